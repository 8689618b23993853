#include "message_body.hpp"

#include <charconv>

namespace keyfed::loadgen {

namespace {

template <class T>
void appendNumber(T value, std::string& out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  (void)ec;  // 24 characters hold any 64-bit integer
  out.append(buf, end);
}

// Reads a decimal number followed by a space or the end of the header.
template <class T>
bool readNumber(std::string_view& text, T& value) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc{} || ptr == begin) return false;
  text.remove_prefix(static_cast<std::size_t>(ptr - begin));
  return true;
}

bool skipSpace(std::string_view& text) {
  if (text.empty() || text.front() != ' ') return false;
  text.remove_prefix(1);
  return true;
}

}  // namespace

void encodeBody(const MessageStamp& stamp, std::size_t bytes, std::string& out) {
  out.clear();
  appendNumber(stamp.run, out);
  out += ' ';
  appendNumber(stamp.sender, out);
  out += ' ';
  appendNumber(stamp.seq, out);
  out += ' ';
  appendNumber(stamp.sentNs, out);
  out += ' ';
  if (out.size() < bytes) out.append(bytes - out.size(), 'x');
}

std::optional<MessageStamp> decodeBody(std::string_view body) {
  MessageStamp s;
  if (!readNumber(body, s.run) || !skipSpace(body)) return std::nullopt;
  if (!readNumber(body, s.sender) || !skipSpace(body)) return std::nullopt;
  if (!readNumber(body, s.seq) || !skipSpace(body)) return std::nullopt;
  if (!readNumber(body, s.sentNs) || !skipSpace(body)) return std::nullopt;
  if (s.sentNs < 0) return std::nullopt;
  for (char c : body) {
    if (c != 'x') return std::nullopt;
  }
  return s;
}

}  // namespace keyfed::loadgen
