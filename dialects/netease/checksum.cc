#include "dialects/netease/checksum.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace fg::netease {

std::string ComputeCheckSum(std::string_view app_secret, std::string_view nonce,
                            std::string_view cur_time) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha1(), nullptr);
  EVP_DigestUpdate(ctx, app_secret.data(), app_secret.size());
  EVP_DigestUpdate(ctx, nonce.data(), nonce.size());
  EVP_DigestUpdate(ctx, cur_time.data(), cur_time.size());
  EVP_DigestFinal_ex(ctx, digest, &length);
  EVP_MD_CTX_free(ctx);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(length * 2, '0');
  for (unsigned int i = 0; i < length; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xF];
  }
  return out;
}

bool CheckSumMatches(std::string_view presented, std::string_view app_secret,
                     std::string_view nonce, std::string_view cur_time) {
  std::string expected = ComputeCheckSum(app_secret, nonce, cur_time);
  if (presented.size() != expected.size()) return false;
  std::string lowered(presented);
  for (char& c : lowered) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return CRYPTO_memcmp(lowered.data(), expected.data(), expected.size()) == 0;
}

}  // namespace fg::netease
