#include "upload_http.hpp"

#include <string>

#include "keyfed/base/log.hpp"
#include "upload_path.hpp"

namespace keyfed::modules::upload {
namespace {

const base::Logger& uploadLog() {
  static const base::Logger logger("upload");
  return logger;
}

// Every answer may be read by a web client on another origin.
http::Response withCors(http::Response response) {
  response.headers.push_back({"access-control-allow-origin", "*"});
  return response;
}

http::Response refuse(int status, std::string_view code, std::string_view message) {
  return withCors(http::Response::error(status, code, message));
}

std::optional<std::uint64_t> contentLength(const http::Request& request) {
  const std::string* value = request.header("content-length");
  return value != nullptr ? parseDecimal(*value) : std::nullopt;
}

bool expired(const UploadState& state, const StoredFile& file) {
  return state.expireAfter.count() != 0 && file.created + state.expireAfter <= state.clock.now();
}

}  // namespace

http::HeaderVerdict checkPut(const UploadState& state, const http::Request& header) {
  const auto path = parseUploadPath(header.path);
  if (!path) return {refuse(404, "upload.not-found", "not an upload URL"), 0};
  const Slot* slot = state.slots.find(path->token, state.clock.steadyNow());
  if (slot == nullptr || slot->filename != path->filename) {
    return {refuse(403, "upload.no-slot", "no such upload slot, or it expired"), 0};
  }
  const auto length = contentLength(header);
  if (!length) {
    return {refuse(411, "upload.length-required", "an upload needs a Content-Length"), 0};
  }
  if (*length != slot->size) {
    return {refuse(400, "upload.size-mismatch",
                   "the slot is for " + std::to_string(slot->size) + " bytes"),
            0};
  }
  const std::string* type = header.header("content-type");
  if (!slot->contentType.empty() && type != nullptr && *type != slot->contentType) {
    return {refuse(400, "upload.type-mismatch", "the slot is for " + slot->contentType), 0};
  }
  return {std::nullopt, static_cast<std::size_t>(slot->size)};
}

http::Response put(UploadState& state, const http::Request& request) {
  const auto path = parseUploadPath(request.path);
  if (!path) return refuse(404, "upload.not-found", "not an upload URL");
  // Checked at the header already; taken now, so a slot is used once.
  auto slot = state.slots.take(path->token, state.clock.steadyNow());
  if (!slot || slot->filename != path->filename) {
    return refuse(403, "upload.no-slot", "no such upload slot, or it expired");
  }
  if (request.body.size() != slot->size) {
    return refuse(400, "upload.size-mismatch", "the body is not the slot's size");
  }
  StoredFile file{slot->owner, slot->filename, slot->contentType, slot->size, state.clock.now()};
  if (auto stored = state.store.put(path->token, file, request.body); !stored) {
    uploadLog().error("{}: upload by {} not stored: {}", request.remoteAddress, slot->owner,
                      stored.error().describe());
    return refuse(500, "upload.io", "the file could not be stored");
  }
  uploadLog().info("{}: {} uploaded {} ({} bytes)", request.remoteAddress, slot->owner, path->token,
                   slot->size);
  return withCors(http::Response{201, {}, {}});
}

http::Response get(const UploadState& state, const http::Request& request) {
  const auto path = parseUploadPath(request.path);
  const StoredFile* file = path ? state.store.find(path->token) : nullptr;
  if (file == nullptr || file->filename != path->filename || expired(state, *file)) {
    return refuse(404, "upload.not-found", "no such file");
  }
  auto bytes = state.store.read(path->token);
  if (!bytes) {
    uploadLog().error("{}: cannot read {}", request.remoteAddress, bytes.error().describe());
    return refuse(500, "upload.io", "the file could not be read");
  }
  http::Response r{200, {}, std::move(*bytes)};
  r.headers.push_back(
      {"content-type", file->contentType.empty() ? "application/octet-stream" : file->contentType});
  // Served from the server's own origin: never as a page that runs scripts.
  r.headers.push_back({"content-security-policy", "default-src 'none'; frame-ancestors 'none'"});
  r.headers.push_back({"x-content-type-options", "nosniff"});
  r.headers.push_back({"cache-control", "private, max-age=86400"});
  return withCors(std::move(r));
}

http::Response preflight() {
  http::Response r{204, {}, {}};
  r.headers.push_back({"access-control-allow-methods", "GET, PUT, OPTIONS"});
  r.headers.push_back({"access-control-allow-headers", "content-type"});
  r.headers.push_back({"access-control-max-age", "7200"});
  return withCors(std::move(r));
}

base::Result<void> addUploadRoutes(http::Router& router, UploadState& state,
                                   std::size_t maxFileSize) {
  const std::string paths = std::string(kPathPrefix) + "*";
  http::Route putRoute{"PUT", paths, maxFileSize,
                       [&state](const http::Request& r) { return put(state, r); }};
  putRoute.checkHeader = [&state](const http::Request& h) { return checkPut(state, h); };
  if (auto r = router.add(std::move(putRoute)); !r) return r;
  if (auto r =
          router.add({"GET", paths, 0, [&state](const http::Request& r) { return get(state, r); }});
      !r) {
    return r;
  }
  return router.add({"OPTIONS", paths, 0, [](const http::Request&) { return preflight(); }});
}

}  // namespace keyfed::modules::upload
