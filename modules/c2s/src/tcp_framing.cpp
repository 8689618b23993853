// RFC 6120 framing: the stream is one XML document (docs/c2s.md).

#include "keyfed/xml/writer.hpp"
#include "stream_framing.hpp"

namespace keyfed::modules::c2s {
namespace {

// The stream prefix every stanza is written under (built once, on first use).
const xml::Prefix& streamPrefix() {
  static const xml::Prefix prefix{"stream", std::string(xml::kStreamNamespace)};
  return prefix;
}

class TcpFraming final : public StreamFraming {
 public:
  TcpFraming(xml::StreamHandler& handler, xml::ParserLimits limits)
      : parser_(handler, std::move(limits)) {}

  base::Result<void> feed(std::string_view bytes) override { return parser_.feed(bytes); }
  [[nodiscard]] std::optional<xml::StreamFault> fault() const override { return parser_.fault(); }
  void restart() override { parser_.reset(); }
  bool stopForTls() override {
    parser_.stop();
    return true;
  }

  bool hibernate() override { return parser_.hibernate(); }
  [[nodiscard]] bool hibernating() const override { return parser_.hibernating(); }

  void writeOpen(const xml::StreamHeader& header, std::string& out) const override {
    xml::writeStreamHeader(header, out);
  }
  void writeElement(const xml::Element& element, std::string_view defaultNs,
                    std::string& out) const override {
    xml::serialize(element, out, xml::WriteContext{defaultNs, {&streamPrefix(), 1}, {}});
  }
  void writeClose(std::string& out) const override { xml::writeStreamClose(out); }

 private:
  xml::StreamParser parser_;
};

}  // namespace

std::unique_ptr<StreamFraming> makeTcpFraming(xml::StreamHandler& handler,
                                              xml::ParserLimits limits) {
  return std::make_unique<TcpFraming>(handler, std::move(limits));
}

}  // namespace keyfed::modules::c2s
