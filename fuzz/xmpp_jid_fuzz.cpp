// Jid::parse on arbitrary bytes. A parsed JID must respect the part limits,
// be a fixed point of preparation (parsing its own string gives it back), and
// agree with its derived forms.

#include "keyfed/xmpp/jid.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto j = keyfed::xmpp::Jid::parse(in);
  if (!j) return 0;
  using keyfed::xmpp::Jid;
  if (j->node().size() > Jid::kMaxPartBytes || j->domain().size() > Jid::kMaxPartBytes ||
      j->resource().size() > Jid::kMaxPartBytes || j->domain().empty()) {
    std::abort();
  }
  auto again = Jid::parse(j->full());
  if (!again || !(*again == *j)) std::abort();
  if (j->bare().full() != j->bareView()) std::abort();
  if (j->hasResource()) {
    auto same = j->bare().withResource(j->resource());
    if (!same || !(*same == *j)) std::abort();
  }
  return 0;
}
