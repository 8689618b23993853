// The printable-ASCII shortcut of JID preparation (src/jid.cpp) must give
// exactly what libidn's profiles give: every printable ASCII character, in
// the middle and alone, against stringprep_profile() itself.
#include <stringprep.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "keyfed/xmpp/jid.hpp"

namespace keyfed::xmpp {
namespace {

std::optional<std::string> libidn(const std::string& in, const char* profile) {
  char* out = nullptr;
  const int rc = stringprep_profile(in.c_str(), &out, profile, Stringprep_profile_flags{});
  std::optional<std::string> result;
  if (rc == STRINGPREP_OK && out != nullptr && *out != '\0') result = std::string(out);
  std::free(out);  // NOLINT: libidn allocates with malloc
  return result;
}

void expectSame(const std::string& in, const char* profile, const base::Result<std::string>& ours) {
  const auto expected = libidn(in, profile);
  ASSERT_EQ(ours.has_value(), expected.has_value()) << profile << " of '" << in << "'";
  if (expected) {
    EXPECT_EQ(*ours, *expected) << profile << " of '" << in << "'";
  }
}

TEST(JidAscii, NodeprepAndResourceprepMatchLibidnForEveryPrintableCharacter) {
  for (int c = 0x20; c <= 0x7E; ++c) {
    const char ch = static_cast<char>(c);
    for (const std::string& in : {std::string(1, ch), "Ab" + std::string(1, ch) + "Yz"}) {
      expectSame(in, "Nodeprep", nodeprep(in));
      expectSame(in, "Resourceprep", resourceprep(in));
      expectSame(in, "Resourceprep", resourceprep(in, true));
    }
  }
}

TEST(JidAscii, DomainsFoldCase) {
  EXPECT_EQ(nameprep("ExAmple.COM").value(), "example.com");
  EXPECT_EQ(Jid::parse("Juliet@Example.COM/Balcony").value().full(), "juliet@example.com/Balcony");
  // Not ASCII: libidn still does the work.
  EXPECT_EQ(Jid::parse("J\xC3\x9C@example.com").value().full(), "j\xC3\xBC@example.com");
}

}  // namespace
}  // namespace keyfed::xmpp
