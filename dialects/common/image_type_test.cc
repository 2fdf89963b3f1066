#include "dialects/common/image_type.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace fg::kit {
namespace {

using namespace std::string_view_literals;

// A 1x1 24-bit BMP with a BITMAPINFOHEADER (58 bytes), written with Python's struct.
constexpr std::string_view kBmp1x1 =
    "\x42\x4D\x3A\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00\x01\x00\x00\x00\x01"
    "\x00\x00\x00\x01\x00\x18\x00\x00\x00\x00\x00\x04\x00\x00\x00\x13\x0B\x00\x00\x13\x0B\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xFF\x00"sv;

void PutLittleEndian32(std::string& bytes, size_t offset, uint32_t value) {
  for (size_t i = 0; i < 4; ++i) bytes[offset + i] = static_cast<char>(value >> (8 * i) & 0xFF);
}

// "BM", then the given DIB header size and pixel data offset, zero-filled to `size` bytes.
std::string BmpHeader(size_t size, uint32_t dib_size, uint32_t pixel_offset) {
  std::string bytes(size, '\0');
  bytes[0] = 'B';
  bytes[1] = 'M';
  PutLittleEndian32(bytes, 10, pixel_offset);
  PutLittleEndian32(bytes, 14, dib_size);
  return bytes;
}

void ExpectType(std::string_view bytes, std::string_view content_type, std::string_view extension) {
  std::optional<ImageType> type = SniffImage(bytes);
  ASSERT_TRUE(type);
  EXPECT_EQ(type->content_type, content_type);
  EXPECT_EQ(type->extension, extension);
}

TEST(ImageTypeTest, RecognisesEachSignature) {
  ExpectType("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00"sv, "image/jpeg", "jpg");
  ExpectType("\xFF\xD8\xFF"sv, "image/jpeg", "jpg");
  ExpectType("\x89PNG\r\n\x1A\n\x00\x00\x00\x0DIHDR"sv, "image/png", "png");
  ExpectType("GIF87a\x01\x00\x01\x00"sv, "image/gif", "gif");
  ExpectType("GIF89a"sv, "image/gif", "gif");
  ExpectType(kBmp1x1, "image/bmp", "bmp");
}

TEST(ImageTypeTest, RecognisesEveryBmpHeaderVariant) {
  for (uint32_t dib_size : {12u, 40u, 52u, 56u, 64u, 108u, 124u}) {
    const uint32_t headers = 14 + dib_size;
    ExpectType(BmpHeader(headers + 4, dib_size, headers), "image/bmp", "bmp");
  }
  // The file-size field is not read: 0 (as some writers leave it) is accepted.
  std::string zero_size(kBmp1x1);
  PutLittleEndian32(zero_size, 2, 0);
  ExpectType(zero_size, "image/bmp", "bmp");
}

TEST(ImageTypeTest, RefusesTruncatedSignatures) {
  for (std::string_view cut :
       {""sv, "\xFF"sv, "\xFF\xD8"sv, "\x89PNG\r\n\x1A"sv, "\x89PNG"sv, "GIF89"sv, "GIF8"sv, "B"sv,
        "BM"sv, kBmp1x1.substr(0, 17), kBmp1x1.substr(0, 53)}) {
    EXPECT_EQ(SniffImage(cut), std::nullopt) << testing::PrintToString(std::string(cut));
  }
}

TEST(ImageTypeTest, RefusesNearMisses) {
  for (std::string_view bad : {
           "\xFF\xD8\x00"sv,                      // no marker after start of image
           "\xFF\xD9\xFF"sv,                      // end of image
           "\x89PNG\r\n\x1A\x0A"sv.substr(0, 7),  // cut
           "\x89PNG\n\r\x1A\n"sv,                 // line ends swapped, as a text transfer does
           "\x88PNG\r\n\x1A\n"sv,                 // high bit lost
           "GIF88a"sv,                            // no such version
           "gif89a"sv,                            // lower case
           "BMP image follows, honestly, trust me"sv,
       }) {
    EXPECT_EQ(SniffImage(bad), std::nullopt) << testing::PrintToString(std::string(bad));
  }
}

TEST(ImageTypeTest, RefusesImplausibleBmpHeaders) {
  EXPECT_EQ(SniffImage(BmpHeader(100, 41, 55)), std::nullopt);  // unknown DIB header size
  EXPECT_EQ(SniffImage(BmpHeader(100, 0, 14)), std::nullopt);
  EXPECT_EQ(SniffImage(BmpHeader(50, 40, 54)), std::nullopt);    // DIB header cut short
  EXPECT_EQ(SniffImage(BmpHeader(100, 40, 53)), std::nullopt);   // pixels inside the headers
  EXPECT_EQ(SniffImage(BmpHeader(100, 40, 101)), std::nullopt);  // pixels past the end
  EXPECT_EQ(SniffImage(BmpHeader(100, 0xFFFFFFFF, 100)), std::nullopt);
  std::string no_magic(kBmp1x1);
  no_magic[1] = 'A';
  EXPECT_EQ(SniffImage(no_magic), std::nullopt);
}

TEST(ImageTypeTest, ARenamedTextFileIsRefused) {
  const std::string_view text = "name,avatar\nzhangsan,https://example.com/a.png\n";
  EXPECT_TRUE(ExtensionAllowed("avatar.jpg"));
  EXPECT_EQ(SniffImage(text), std::nullopt);
  EXPECT_EQ(SniffImage("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), std::nullopt);
}

TEST(ImageTypeTest, ImageTypeOfNamesTheSniffedTypes) {
  for (std::string_view type : {"image/jpeg", "image/png", "image/gif", "image/bmp"}) {
    ASSERT_TRUE(ImageTypeOf(type).has_value()) << type;
    EXPECT_EQ(ImageTypeOf(type)->content_type, type);
  }
  EXPECT_EQ(ImageTypeOf("image/jpeg")->extension, "jpg");
  EXPECT_EQ(ImageTypeOf("image/svg+xml"), std::nullopt);
  EXPECT_EQ(ImageTypeOf("IMAGE/PNG"), std::nullopt);  // only the exact names the store keeps
}

TEST(ImageTypeTest, ImageTypeOfExtensionNamesJpegTwice) {
  EXPECT_EQ(ImageTypeOfExtension("jpg")->content_type, "image/jpeg");
  EXPECT_EQ(ImageTypeOfExtension("jpeg")->content_type, "image/jpeg");
  EXPECT_EQ(ImageTypeOfExtension("png")->content_type, "image/png");
  EXPECT_EQ(ImageTypeOfExtension("gif")->content_type, "image/gif");
  EXPECT_EQ(ImageTypeOfExtension("bmp")->content_type, "image/bmp");
  for (std::string_view other : {"", "JPG", "Png", ".png", "jpe", "tif", "svg", "png.png"}) {
    EXPECT_EQ(ImageTypeOfExtension(other), std::nullopt) << other;
  }
}

TEST(ImageTypeTest, ExtensionAllowedIgnoresCase) {
  for (const char* name : {"1.jpg", "1.jpeg", "1.gif", "1.png", "1.bmp", "1.JPG", "photo.JpEg",
                           "a.b.PNG", "x.Gif", "y.BMP", "..jpg"}) {
    EXPECT_TRUE(ExtensionAllowed(name)) << name;
  }
}

TEST(ImageTypeTest, ExtensionAllowedRefusesOtherNames) {
  for (const char* name : {"", "jpg", ".jpg", ".PNG", "1.jpg ", "1.jpg.exe", "1.jpe", "1.tif",
                           "1.svg", "1.webp", "1.txt", "1jpg", "1.jpgx", "1.j pg"}) {
    EXPECT_FALSE(ExtensionAllowed(name)) << name;
  }
}

}  // namespace
}  // namespace fg::kit
