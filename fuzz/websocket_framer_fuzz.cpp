// WebSocketFramer::feed on arbitrary bytes, split at a point the input picks.
// A delivered message must be UTF-8 and within the limit, a control payload at
// most 125 bytes, the buffered bytes bounded by one frame, and the result must
// not depend on how the bytes were split.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "keyfed/base/utf8.hpp"
#include "keyfed/http/websocket_framer.hpp"

namespace {

constexpr std::size_t kMax = 4096;

struct Recorder final : keyfed::http::WebSocketFramer::Sink {
  std::vector<std::string> events;
  void onMessage(std::string_view text) override {
    if (text.size() > kMax || !keyfed::base::isUtf8(text)) std::abort();
    events.emplace_back("m" + std::string(text));
  }
  void onPing(std::string_view payload) override {
    if (payload.size() > 125) std::abort();
    events.emplace_back("p" + std::string(payload));
  }
  void onClose(std::uint16_t code, std::string_view reason) override {
    events.emplace_back("c" + std::to_string(code) + std::string(reason));
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t split = data[0] % size;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  keyfed::http::WebSocketFramer whole(kMax);
  Recorder a;
  const auto codeA = whole.feed(in, a);
  keyfed::http::WebSocketFramer pieces(kMax);
  Recorder b;
  auto codeB = pieces.feed(in.substr(0, std::min(split, in.size())), b);
  if (codeB == keyfed::http::CloseCode::none) {
    codeB = pieces.feed(in.substr(std::min(split, in.size())), b);
  }
  if (pieces.buffered() > 2 * (kMax + 14)) std::abort();
  if (codeA != codeB || a.events != b.events) std::abort();
  return 0;
}
