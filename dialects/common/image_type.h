// The image formats an avatar upload may hold (Yuntongxun uploadAvatar: jpg, jpeg, gif, png,
// bmp), told apart by their content, never by the name the client gives the file. Pure
// functions: thread-safe.
#pragma once

#include <optional>
#include <string_view>

namespace fg::kit {

struct ImageType {
  std::string_view content_type;  // "image/jpeg", "image/png", "image/gif" or "image/bmp"
  std::string_view extension;     // "jpg", "png", "gif" or "bmp", lower-case, without the dot
};

// The format whose signature `bytes` starts with; the views point to static strings. Checks the
// header only, not that the rest decodes as an image:
//   - JPEG: FF D8 FF (start of image, then the first marker);
//   - PNG: the 8-byte signature 89 50 4E 47 0D 0A 1A 0A;
//   - GIF: "GIF87a" or "GIF89a";
//   - BMP: "BM", a known DIB header size at offset 14 (little-endian 12, 40, 52, 56, 64, 108 or
//     124: every Windows and OS/2 variant) with the whole DIB header present, and the pixel data
//     offset at offset 10 past both headers and within `bytes`. The file-size field at offset 2
//     is not checked: writers disagree on it, and some leave it 0. A text that merely starts with
//     "BM" fails the header-size check, as it holds no NUL bytes.
// nullopt for anything else, including a signature cut short.
std::optional<ImageType> SniffImage(std::string_view bytes);

// The format SniffImage names `content_type` with ("image/png" → png); nullopt for any other.
std::optional<ImageType> ImageTypeOf(std::string_view content_type);

// The format a URL's extension names: "jpg" or "jpeg" → JPEG, "png", "gif", "bmp" → theirs.
// Exactly as given, lower-case and without the dot (the extensions friendgraph writes in URLs);
// nullopt for anything else ("PNG", ".png", "tif").
std::optional<ImageType> ImageTypeOfExtension(std::string_view extension);

// True when `file_name` ends in ".jpg", ".jpeg", ".gif", ".png" or ".bmp", in any case, after
// at least one other character ("1.JPG" yes; ".jpg", "jpg" and "1.jpg " no). Looks at the name
// only: whether the bytes are that format is SniffImage's question.
bool ExtensionAllowed(std::string_view file_name);

}  // namespace fg::kit
