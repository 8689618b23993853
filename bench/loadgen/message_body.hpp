#pragma once
// The body of every load message: "<run> <sender> <seq> <stamp>" and padding,
// where run identifies the generator run (a server may deliver an earlier
// run's messages from offline storage), sender is the index of the sending
// connection, seq counts that sender's messages from 0 and stamp is the
// intended send time in steady-clock nanoseconds. Sender and receiver share
// one process and one clock, so the receiver computes the delivery latency
// from the stamp alone.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace keyfed::loadgen {

struct MessageStamp {
  std::uint32_t run = 0;
  std::uint32_t sender = 0;
  std::uint64_t seq = 0;
  std::int64_t sentNs = 0;
  bool operator==(const MessageStamp&) const = default;
};

// The longest header (four numbers and their spaces): a body is never
// shorter than its header, whatever size was asked for.
inline constexpr std::size_t kMaxHeaderBytes = 10 + 1 + 10 + 1 + 20 + 1 + 19 + 1;

// Writes the body into out (replacing its content), padded with 'x' to
// `bytes` when the header is shorter.
void encodeBody(const MessageStamp& stamp, std::size_t bytes, std::string& out);
// nullopt when the body was not written by encodeBody (another sender, a
// server notice): the caller counts it as unexpected.
std::optional<MessageStamp> decodeBody(std::string_view body);

}  // namespace keyfed::loadgen
