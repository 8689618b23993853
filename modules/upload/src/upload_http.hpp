#pragma once
// The HTTP side of uploads: what the PUT, GET and OPTIONS of /upload/<token>/
// <filename> answer (docs/upload.md, "HTTP"). Plain functions of the slots and
// the store, so they are tested without sockets.

#include "file_store.hpp"
#include "keyfed/base/clock.hpp"
#include "keyfed/http/router.hpp"
#include "slot_table.hpp"

namespace keyfed::modules::upload {

struct UploadState {
  SlotTable& slots;
  FileStore& store;
  const base::Clock& clock;
  std::chrono::seconds expireAfter;  // 0: files never expire
};

// Before the PUT's body: refuses what no live slot allows (unknown or expired
// token, another filename, a Content-Length or Content-Type other than the
// slot's), else allows exactly the slot's size.
http::HeaderVerdict checkPut(const UploadState& state, const http::Request& header);
// The PUT's body: uses the slot up and stores the file (201).
http::Response put(UploadState& state, const http::Request& request);
// Serves a stored file that has not expired (200), else 404.
http::Response get(const UploadState& state, const http::Request& request);
// CORS preflight (204): browsers' web clients PUT from another origin.
http::Response preflight();

// The routes for all four, added to `router`.
base::Result<void> addUploadRoutes(http::Router& router, UploadState& state,
                                   std::size_t maxFileSize);

}  // namespace keyfed::modules::upload
