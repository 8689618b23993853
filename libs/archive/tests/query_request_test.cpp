// Reading <query/>: form filters, RSM, and the errors for what is refused.
#include <gtest/gtest.h>

#include <functional>

#include "keyfed/archive/datetime.hpp"
#include "keyfed/archive/namespaces.hpp"
#include "keyfed/archive/query_request.hpp"
#include "keyfed/storage/archive_types.hpp"

namespace keyfed::archive {
namespace {

using namespace std::chrono_literals;
constexpr base::SystemTime kT0{std::chrono::seconds{1'700'000'000}};

// Children are looked up on each call: a reference from addChild() is only
// valid until the parent gets another child.
struct Builder {
  xml::Element query{"query", std::string(kMamNs)};

  Builder& field(std::string_view var, std::string_view value) {
    xml::Element* form = query.child("x", kDataFormsNs);
    if (form == nullptr) {
      form = &query.addChild("x", std::string(kDataFormsNs));
      form->setAttr("type", "submit");
    }
    auto& f = form->addChild("field", std::string(kDataFormsNs));
    f.setAttr("var", var);
    f.addChild("value", std::string(kDataFormsNs)).addText(value);
    return *this;
  }
  Builder& rsm(std::string_view name, std::string_view value) {
    xml::Element* set = query.child("set", kRsmNs);
    if (set == nullptr) set = &query.addChild("set", std::string(kRsmNs));
    set->addChild(std::string(name), std::string(kRsmNs)).addText(value);
    return *this;
  }
};

std::string id(int seconds, std::uint32_t tag = 1) {
  return formatArchiveId(
      ArchiveId{storage::archiveSeqAt(kT0 + std::chrono::seconds{seconds}), tag});
}

TEST(QueryRequestTest, EmptyQueryAsksForEverything) {
  Builder b;
  b.query.setAttr("queryid", "q1");
  auto r = parseQuery(b.query);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->queryId, "q1");
  EXPECT_FALSE(r->with || r->start || r->end || r->after || r->before || r->max);
  EXPECT_FALSE(r->lastPage);
}

TEST(QueryRequestTest, ReadsFiltersAndPaging) {
  Builder b;
  b.field("FORM_TYPE", kMamNs)
      .field("with", "Romeo@Example.org/Balcony")
      .field("start", "2023-11-14T22:13:20Z")
      .field("end", "2023-11-15T00:13:20+02:00")
      .rsm("max", "10")
      .rsm("after", id(5));
  auto r = parseQuery(b.query);
  ASSERT_TRUE(r.has_value()) << r.error().describe();
  EXPECT_EQ(r->with->full(), "romeo@example.org/Balcony");
  EXPECT_EQ(r->start, kT0);
  EXPECT_EQ(r->end, kT0);
  EXPECT_EQ(r->max, 10U);
  EXPECT_EQ(r->after, parseArchiveId(id(5)));
}

TEST(QueryRequestTest, EmptyBeforeAsksForTheLastPage) {
  Builder b;
  b.rsm("before", "");
  auto r = parseQuery(b.query);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->lastPage);
  EXPECT_FALSE(r->before);
}

TEST(QueryRequestTest, ExtendedIdsAndRsmCombineToTheNarrowerBound) {
  Builder b;
  b.field("after-id", id(3)).rsm("after", id(7)).field("before-id", id(20)).rsm("before", id(9));
  auto r = parseQuery(b.query);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->after, parseArchiveId(id(7)));
  EXPECT_EQ(r->before, parseArchiveId(id(9)));
}

TEST(QueryRequestTest, IdsWeCannotHaveGivenAreItemNotFound) {
  Builder b;
  b.rsm("after", "not-an-id");
  auto r = parseQuery(b.query);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, kUnknownId);
}

TEST(QueryRequestTest, RefusesBadInput) {
  struct Case {
    const char* what;
    std::function<void(Builder&)> build;
    const char* code;
  };
  const Case cases[] = {
      {"old FORM_TYPE", [](Builder& b) { b.field("FORM_TYPE", "urn:xmpp:mam:1"); }, kBadRequest},
      {"unknown field", [](Builder& b) { b.field("flavour", "vanilla"); }, kBadRequest},
      {"bad with", [](Builder& b) { b.field("with", "@@"); }, kBadRequest},
      {"bad start", [](Builder& b) { b.field("start", "yesterday"); }, kBadRequest},
      {"negative max", [](Builder& b) { b.rsm("max", "-1"); }, kBadRequest},
      {"huge max", [](Builder& b) { b.rsm("max", "99999999999999999999"); }, kBadRequest},
      {"index", [](Builder& b) { b.rsm("index", "3"); }, kNotImplemented},
      {"long queryid",
       [](Builder& b) { b.query.setAttr("queryid", std::string(kMaxQueryIdBytes + 1, 'q')); },
       kBadRequest},
  };
  for (const auto& c : cases) {
    Builder b;
    c.build(b);
    auto r = parseQuery(b.query);
    ASSERT_FALSE(r.has_value()) << c.what;
    EXPECT_EQ(r.error().code, c.code) << c.what;
  }
}

TEST(DateTimeTest, ParsesXep0082AndRefusesNonsense) {
  EXPECT_EQ(parseDateTime("2023-11-14T22:13:20Z"), kT0);
  EXPECT_EQ(parseDateTime("2023-11-14T22:13:20.250Z"), kT0 + 250ms);
  EXPECT_EQ(parseDateTime("2023-11-14T23:13:20+01:00"), kT0);
  EXPECT_EQ(parseDateTime("2023-11-14T21:13:20-01:00"), kT0);
  for (const char* bad :
       {"", "2023-11-14", "2023-11-14T22:13:20", "2023-02-30T00:00:00Z", "2023-11-14T24:00:00Z",
        "2023-11-14T22:13:20.Z", "2023-11-14T22:13:20Zjunk", "2023-11-14 22:13:20Z"}) {
    EXPECT_FALSE(parseDateTime(bad)) << bad;
  }
}

}  // namespace
}  // namespace keyfed::archive
