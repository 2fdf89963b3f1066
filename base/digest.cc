#include "base/digest.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>
#include <memory>

#include "base/encoding.h"

namespace fg {
namespace {

const EVP_MD* Md(DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::kMd5:
      return EVP_md5();
    case DigestAlgorithm::kSha1:
      return EVP_sha1();
    case DigestAlgorithm::kSha256:
      return EVP_sha256();
  }
  std::abort();
}

void Check(int openssl_result) {
  if (openssl_result != 1) std::abort();
}

}  // namespace

std::string Digest(DigestAlgorithm algorithm, std::initializer_list<std::string_view> parts) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx) std::abort();
  Check(EVP_DigestInit_ex(ctx.get(), Md(algorithm), nullptr));
  for (std::string_view part : parts) Check(EVP_DigestUpdate(ctx.get(), part.data(), part.size()));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  Check(EVP_DigestFinal_ex(ctx.get(), digest, &length));
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string DigestHex(DigestAlgorithm algorithm, std::initializer_list<std::string_view> parts) {
  return HexEncode(Digest(algorithm, parts));
}

struct DigestStream::Impl {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
};

DigestStream::DigestStream(DigestAlgorithm algorithm) : impl_(new Impl) {
  if (!impl_->ctx) std::abort();
  Check(EVP_DigestInit_ex(impl_->ctx, Md(algorithm), nullptr));
}

DigestStream::~DigestStream() {
  EVP_MD_CTX_free(impl_->ctx);
  delete impl_;
}

void DigestStream::Update(std::string_view data) {
  Check(EVP_DigestUpdate(impl_->ctx, data.data(), data.size()));
}

std::string DigestStream::HexSoFar() const {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> copy(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!copy) std::abort();
  Check(EVP_MD_CTX_copy_ex(copy.get(), impl_->ctx));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  Check(EVP_DigestFinal_ex(copy.get(), digest, &length));
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

std::string HmacSha256(std::string_view key, std::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // An empty key may come with a null data(); OpenSSL wants a valid pointer either way.
  static const unsigned char kEmpty = 0;
  const void* key_data = key.empty() ? static_cast<const void*>(&kEmpty) : key.data();
  const unsigned char* message_data =
      message.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(message.data());
  if (HMAC(EVP_sha256(), key_data, static_cast<int>(key.size()), message_data, message.size(), mac,
           &length) == nullptr) {
    std::abort();
  }
  return std::string(reinterpret_cast<const char*>(mac), length);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace fg
