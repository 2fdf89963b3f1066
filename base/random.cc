#include "base/random.h"

#include <openssl/rand.h>

#include <cstdlib>

#include "base/encoding.h"

namespace fg {

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    std::abort();
  }
  return HexEncode(raw);
}

}  // namespace fg
