#include "dialects/common/image_type.h"

#include <algorithm>
#include <cstdint>
#include <iterator>

namespace fg::kit {
namespace {

using namespace std::string_view_literals;

constexpr size_t kBmpFileHeaderSize = 14;

uint32_t LittleEndian32(std::string_view bytes, size_t offset) {
  uint32_t value = 0;
  for (size_t i = 4; i-- > 0;) {
    value = value << 8 | static_cast<unsigned char>(bytes[offset + i]);
  }
  return value;
}

// BITMAPFILEHEADER (14 bytes: "BM", file size, two reserved words, pixel data offset), then a
// DIB header that starts with its own size, which names its variant.
bool IsBmp(std::string_view bytes) {
  if (bytes.size() < kBmpFileHeaderSize + 4 || !bytes.starts_with("BM")) return false;
  const uint32_t dib_size = LittleEndian32(bytes, kBmpFileHeaderSize);
  constexpr uint32_t kDibSizes[] = {12, 40, 52, 56, 64, 108, 124};
  if (std::find(std::begin(kDibSizes), std::end(kDibSizes), dib_size) == std::end(kDibSizes)) {
    return false;
  }
  const size_t headers = kBmpFileHeaderSize + dib_size;
  const uint32_t pixel_offset = LittleEndian32(bytes, 10);
  return bytes.size() >= headers && pixel_offset >= headers && pixel_offset <= bytes.size();
}

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

constexpr ImageType kJpeg{"image/jpeg", "jpg"};
constexpr ImageType kPng{"image/png", "png"};
constexpr ImageType kGif{"image/gif", "gif"};
constexpr ImageType kBmp{"image/bmp", "bmp"};

std::optional<ImageType> SniffImage(std::string_view bytes) {
  if (bytes.starts_with("\xFF\xD8\xFF"sv)) return kJpeg;
  if (bytes.starts_with("\x89PNG\r\n\x1A\n"sv)) return kPng;
  if (bytes.starts_with("GIF87a"sv) || bytes.starts_with("GIF89a"sv)) return kGif;
  if (IsBmp(bytes)) return kBmp;
  return std::nullopt;
}

std::optional<ImageType> ImageTypeOf(std::string_view content_type) {
  for (const ImageType& type : {kJpeg, kPng, kGif, kBmp}) {
    if (type.content_type == content_type) return type;
  }
  return std::nullopt;
}

std::optional<ImageType> ImageTypeOfExtension(std::string_view extension) {
  if (extension == "jpeg") return kJpeg;  // the format's other common name
  for (const ImageType& type : {kJpeg, kPng, kGif, kBmp}) {
    if (type.extension == extension) return type;
  }
  return std::nullopt;
}

bool ExtensionAllowed(std::string_view file_name) {
  for (std::string_view extension : {".jpg"sv, ".jpeg"sv, ".gif"sv, ".png"sv, ".bmp"sv}) {
    if (file_name.size() <= extension.size()) continue;  // nothing before the extension
    const std::string_view tail = file_name.substr(file_name.size() - extension.size());
    if (std::equal(tail.begin(), tail.end(), extension.begin(), extension.end(),
                   [](char c, char want) { return AsciiLower(c) == want; })) {
      return true;
    }
  }
  return false;
}

}  // namespace fg::kit
