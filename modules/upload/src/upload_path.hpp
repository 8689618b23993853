#pragma once
// The one URL shape of an upload, "/upload/<token>/<filename>", for both the
// PUT and the GET (docs/upload.md): the token is the capability (128 random
// bits), the filename is there for people and is checked against the slot.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace keyfed::modules::upload {

inline constexpr std::string_view kPathPrefix = "/upload/";

struct UploadPath {
  std::string token;
  std::string filename;  // percent-decoded
};

// nullopt unless the path is exactly prefix, a token, '/', an acceptable
// percent-encoded filename.
std::optional<UploadPath> parseUploadPath(std::string_view path);
// The path for a token and a filename, the filename percent-encoded (every
// byte but RFC 3986 unreserved characters).
std::string uploadPath(std::string_view token, std::string_view filename);

// A filename a client may ask for: 1-255 bytes of UTF-8 without '/', '\',
// control characters, and not "." or "..".
bool acceptableFilename(std::string_view name);
// A Content-Type worth storing and serving again: 1-255 printable ASCII
// characters of the shape type/subtype[; parameters].
bool acceptableContentType(std::string_view type);

// A non-negative decimal integer, digits only (sizes in requests, headers
// and records); nullopt for anything else.
std::optional<std::uint64_t> parseDecimal(std::string_view text);

// 32 lower-case hex digits from the CSPRNG.
std::string newToken();
bool isToken(std::string_view text);

}  // namespace keyfed::modules::upload
