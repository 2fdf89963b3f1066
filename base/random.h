// Unguessable strings for tokens, credentials and nonces.
#pragma once

#include <cstddef>
#include <string>

namespace fg {

// 2 * bytes lower-case hex digits from the operating system's CSPRNG (OpenSSL RAND_bytes).
// Thread-safe. Aborts if the generator fails: a predictable secret is worse than no server.
std::string RandomHex(size_t bytes);

}  // namespace fg
