// WebSocketFramer: client frames in, messages and control frames out.

#include "keyfed/http/websocket_framer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace keyfed::http {
namespace {

constexpr char kMask[4] = {'\x37', '\xfa', '\x21', '\x3d'};

// A client frame: FIN, opcode, masked payload (RFC 6455 5.2).
std::string clientFrame(unsigned opcode, std::string_view payload, bool fin = true,
                        bool masked = true, unsigned rsv = 0) {
  std::string out;
  out += static_cast<char>((fin ? 0x80u : 0u) | (rsv << 4) | opcode);
  const unsigned maskBit = masked ? 0x80u : 0u;
  if (payload.size() < 126) {
    out += static_cast<char>(maskBit | payload.size());
  } else if (payload.size() <= 0xFFFF) {
    out += static_cast<char>(maskBit | 126u);
    out += static_cast<char>(payload.size() >> 8);
    out += static_cast<char>(payload.size() & 0xFFu);
  } else {
    out += static_cast<char>(maskBit | 127u);
    for (int shift = 56; shift >= 0; shift -= 8) {
      out += static_cast<char>((static_cast<std::uint64_t>(payload.size()) >> shift) & 0xFFu);
    }
  }
  if (!masked) return out + std::string(payload);
  out.append(kMask, 4);
  for (std::size_t i = 0; i < payload.size(); ++i)
    out += static_cast<char>(payload[i] ^ kMask[i & 3]);
  return out;
}

std::string closePayload(std::uint16_t code, std::string_view reason = {}) {
  std::string out;
  out += static_cast<char>(code >> 8);
  out += static_cast<char>(code & 0xFFu);
  return out + std::string(reason);
}

struct Recorder final : WebSocketFramer::Sink {
  std::vector<std::string> messages;
  std::vector<std::string> pings;
  int closeCode = -1;
  std::string closeReason;
  void onMessage(std::string_view text) override { messages.emplace_back(text); }
  void onPing(std::string_view payload) override { pings.emplace_back(payload); }
  void onClose(std::uint16_t code, std::string_view reason) override {
    closeCode = code;
    closeReason = reason;
  }
};

class FramerTest : public ::testing::Test {
 protected:
  WebSocketFramer framer{1024};
  Recorder sink;
};

TEST_F(FramerTest, UnmasksATextMessage) {
  EXPECT_EQ(
      framer.feed(clientFrame(0x1, "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>"), sink),
      CloseCode::none);
  ASSERT_EQ(sink.messages.size(), 1U);
  EXPECT_EQ(sink.messages[0], "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
}

TEST_F(FramerTest, DeliversFramesSplitAtEveryByte) {
  const std::string wire = clientFrame(0x1, "hello") + clientFrame(0x1, std::string(300, 'x'));
  for (char c : wire) ASSERT_EQ(framer.feed(std::string_view(&c, 1), sink), CloseCode::none);
  ASSERT_EQ(sink.messages.size(), 2U);
  EXPECT_EQ(sink.messages[0], "hello");
  EXPECT_EQ(sink.messages[1], std::string(300, 'x'));
  EXPECT_EQ(framer.buffered(), 0U);
}

TEST_F(FramerTest, JoinsFragmentsWithControlFramesInBetween) {
  const std::string wire = clientFrame(0x1, "<mess", false) + clientFrame(0x9, "are you there") +
                           clientFrame(0x0, "age/", false) + clientFrame(0xA, "unsolicited") +
                           clientFrame(0x0, ">");
  EXPECT_EQ(framer.feed(wire, sink), CloseCode::none);
  ASSERT_EQ(sink.messages.size(), 1U);
  EXPECT_EQ(sink.messages[0], "<message/>");
  ASSERT_EQ(sink.pings.size(), 1U);
  EXPECT_EQ(sink.pings[0], "are you there");
}

TEST_F(FramerTest, UnmaskedClientFrameIs1002) {
  EXPECT_EQ(framer.feed(clientFrame(0x1, "hi", true, false), sink), CloseCode::protocolError);
  EXPECT_TRUE(sink.messages.empty());
  EXPECT_EQ(framer.failure(), "client frames must be masked");
  // Failed for good: nothing more is taken.
  EXPECT_EQ(framer.feed(clientFrame(0x1, "hi"), sink), CloseCode::protocolError);
  EXPECT_TRUE(sink.messages.empty());
}

TEST_F(FramerTest, ReservedBitsAndOpcodesAre1002) {
  for (const std::string& wire :
       {clientFrame(0x1, "x", true, true, 4), clientFrame(0x1, "x", true, true, 1),
        clientFrame(0x3, "x"), clientFrame(0xB, "x")}) {
    WebSocketFramer f(1024);
    EXPECT_EQ(f.feed(wire, sink), CloseCode::protocolError);
  }
  EXPECT_TRUE(sink.messages.empty());
}

TEST_F(FramerTest, FragmentationErrorsAre1002) {
  {
    WebSocketFramer f(1024);
    EXPECT_EQ(f.feed(clientFrame(0x0, "orphan"), sink), CloseCode::protocolError);
  }
  {
    WebSocketFramer f(1024);
    EXPECT_EQ(f.feed(clientFrame(0x1, "a", false) + clientFrame(0x1, "b"), sink),
              CloseCode::protocolError);
  }
  {
    WebSocketFramer f(1024);  // a fragmented ping
    EXPECT_EQ(f.feed(clientFrame(0x9, "p", false), sink), CloseCode::protocolError);
  }
  {
    WebSocketFramer f(1024);  // a control frame over 125 bytes
    EXPECT_EQ(f.feed(clientFrame(0x9, std::string(126, 'p')), sink), CloseCode::protocolError);
  }
  EXPECT_TRUE(sink.messages.empty());
}

TEST_F(FramerTest, OversizeIs1009FromTheHeaderAlone) {
  // Only the header of a 2000-byte frame: refused before its payload arrives.
  const std::string frame = clientFrame(0x1, std::string(2000, 'x'));
  EXPECT_EQ(framer.feed(frame.substr(0, 8), sink), CloseCode::messageTooBig);
  EXPECT_EQ(framer.buffered(), 0U);
}

TEST_F(FramerTest, OversizeAcrossFragmentsIs1009) {
  EXPECT_EQ(framer.feed(clientFrame(0x1, std::string(1000, 'x'), false), sink), CloseCode::none);
  EXPECT_EQ(framer.feed(clientFrame(0x0, std::string(25, 'x')), sink), CloseCode::messageTooBig);
  EXPECT_TRUE(sink.messages.empty());
}

TEST_F(FramerTest, MessageOfExactlyTheLimitPasses) {
  EXPECT_EQ(framer.feed(clientFrame(0x1, std::string(1024, 'x')), sink), CloseCode::none);
  ASSERT_EQ(sink.messages.size(), 1U);
}

TEST_F(FramerTest, BadUtf8Is1007) {
  for (std::string_view bad :
       {std::string_view("\xC0\xAF"), std::string_view("\xED\xA0\x80"),
        std::string_view("abc\xF5\x80\x80\x80"), std::string_view("\xE2\x82")}) {
    WebSocketFramer f(1024);
    EXPECT_EQ(f.feed(clientFrame(0x1, bad), sink), CloseCode::invalidPayload) << bad.size();
  }
  EXPECT_TRUE(sink.messages.empty());
  // A character split between fragments is fine.
  EXPECT_EQ(framer.feed(clientFrame(0x1, "\xE2\x82", false) + clientFrame(0x0, "\xAC"), sink),
            CloseCode::none);
  ASSERT_EQ(sink.messages.size(), 1U);
  EXPECT_EQ(sink.messages[0], "\xE2\x82\xAC");
}

TEST_F(FramerTest, BinaryIs1003) {
  EXPECT_EQ(framer.feed(clientFrame(0x2, "bin"), sink), CloseCode::unsupportedData);
}

TEST_F(FramerTest, NonMinimalLengthIs1002) {
  std::string frame;
  frame += static_cast<char>(0x81);
  frame += static_cast<char>(0x80 | 126);
  frame += '\0';
  frame += static_cast<char>(5);
  frame.append(kMask, 4);
  frame += "xxxxx";
  EXPECT_EQ(framer.feed(frame, sink), CloseCode::protocolError);
}

TEST_F(FramerTest, CloseFrameCarriesCodeAndReasonAndStops) {
  EXPECT_EQ(
      framer.feed(clientFrame(0x8, closePayload(1000, "bye")) + clientFrame(0x1, "late"), sink),
      CloseCode::none);
  EXPECT_EQ(sink.closeCode, 1000);
  EXPECT_EQ(sink.closeReason, "bye");
  EXPECT_TRUE(sink.messages.empty());  // nothing after the close frame
}

TEST_F(FramerTest, EmptyCloseFrameIs1005) {
  EXPECT_EQ(framer.feed(clientFrame(0x8, ""), sink), CloseCode::none);
  EXPECT_EQ(sink.closeCode, 1005);
}

TEST_F(FramerTest, InvalidCloseCodesAre1002) {
  for (std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 2999, 5000}) {
    WebSocketFramer f(1024);
    Recorder r;
    EXPECT_EQ(f.feed(clientFrame(0x8, closePayload(code)), r), CloseCode::protocolError) << code;
    EXPECT_EQ(r.closeCode, -1);
  }
  WebSocketFramer oneByte(1024);
  EXPECT_EQ(oneByte.feed(clientFrame(0x8, "x"), sink), CloseCode::protocolError);
  WebSocketFramer badReason(1024);
  EXPECT_EQ(badReason.feed(clientFrame(0x8, closePayload(1000, "\xFF")), sink),
            CloseCode::invalidPayload);
}

TEST(FramerEncoding, ServerFramesAreUnmaskedWithShortestLength) {
  std::string out;
  WebSocketFramer::appendFrame(WsOpcode::text, "hi", out);
  EXPECT_EQ(out, std::string("\x81\x02hi", 4));
  out.clear();
  WebSocketFramer::appendHeader(WsOpcode::text, 300, out);
  EXPECT_EQ(out, std::string("\x81\x7E\x01\x2C", 4));
  out.clear();
  WebSocketFramer::appendHeader(WsOpcode::text, 70000, out);
  EXPECT_EQ(out, std::string("\x81\x7F\x00\x00\x00\x00\x00\x01\x11\x70", 10));
  out.clear();
  WebSocketFramer::appendClose(CloseCode::messageTooBig, "too big", out);
  EXPECT_EQ(out, std::string("\x88\x09\x03\xF1too big", 11));
}

TEST_F(FramerTest, AcceptsEveryValidUtf8Form) {
  const std::string text = "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
  EXPECT_EQ(framer.feed(clientFrame(0x1, text), sink), CloseCode::none);
  ASSERT_EQ(sink.messages.size(), 1U);
  EXPECT_EQ(sink.messages[0], text);
}

}  // namespace
}  // namespace keyfed::http
