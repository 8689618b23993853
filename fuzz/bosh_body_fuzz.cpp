// parseBoshBody on arbitrary bytes (docs/bosh.md). A body it accepts must have
// a rid in 1..2^53-1, and writing its payloads back into a body must give a
// body it accepts again with the same payloads: what the server forwards is
// always well-formed.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bosh_body.hpp"
#include "keyfed/xml/writer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace keyfed;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  xml::ParserLimits limits;
  limits.maxStanzaBytes = 16384;
  limits.maxDepth = 16;
  auto body = modules::c2s::parseBoshBody(bytes, limits);
  if (!body) return 0;
  if (body->rid == 0 || body->rid >= (std::uint64_t{1} << 53U)) std::abort();
  std::string payloads;
  for (const xml::Element& payload : body->payloads) xml::serialize(payload, payloads);
  std::string rid;
  modules::c2s::appendAttribute("rid", std::to_string(body->rid), rid);
  std::string again;
  modules::c2s::writeBoshBody(rid, payloads, again);
  limits.maxStanzaBytes = again.size() + 1;
  auto reread = modules::c2s::parseBoshBody(again, limits);
  if (!reread || reread->payloads.size() != body->payloads.size()) std::abort();
  for (std::size_t i = 0; i < body->payloads.size(); ++i) {
    if (!(reread->payloads[i] == body->payloads[i])) std::abort();
  }
  return 0;
}
