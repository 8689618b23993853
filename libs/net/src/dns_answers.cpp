#include "dns_answers.hpp"

#include <ares.h>
#include <arpa/inet.h>

#include <climits>
#include <memory>

#include "dns_names.hpp"

namespace keyfed::net {

namespace {

struct AresFree {
  void operator()(void* data) const { ares_free_data(data); }
};

base::Failure badAnswer(int status) {
  return base::fail("dns.bad-answer",
                    std::string("unreadable DNS answer: ") + ares_strerror(status));
}

int aresLength(const std::vector<unsigned char>& answer) {
  return answer.size() > static_cast<std::size_t>(INT_MAX) ? INT_MAX
                                                           : static_cast<int>(answer.size());
}

}  // namespace

base::Result<SrvAnswer> parseSrvAnswer(const std::vector<unsigned char>& answer, bool directTls,
                                       std::size_t maxRecords) {
  ares_srv_reply* head = nullptr;
  const int status = ares_parse_srv_reply(answer.data(), aresLength(answer), &head);
  std::unique_ptr<ares_srv_reply, AresFree> owned(head);
  SrvAnswer out;
  if (status == ARES_ENODATA) return out;
  if (status != ARES_SUCCESS) return badAnswer(status);
  for (const ares_srv_reply* r = head; r; r = r->next) {
    const std::string target = r->host ? r->host : "";
    if (target.empty() || target == ".") {
      out.rootTarget = true;
      continue;
    }
    auto name = normalizeDnsName(target);
    if (!name) continue;  // a target we could not query anyway
    if (out.records.size() == maxRecords) {
      return base::fail("dns.answer-too-large",
                        "more than " + std::to_string(maxRecords) + " SRV records");
    }
    out.records.push_back(SrvRecord{r->priority, r->weight, r->port, std::move(*name), directTls});
  }
  return out;
}

base::Result<std::vector<std::string>> parseAddressAnswer(const std::vector<unsigned char>& answer,
                                                          int family, std::size_t maxAddresses) {
  // c-ares fills at most `count` entries and follows CNAMEs inside the answer.
  constexpr int kSlots = 64;
  int count = kSlots;
  std::vector<std::string> out;
  char text[INET6_ADDRSTRLEN];
  if (family == AF_INET) {
    ares_addrttl addrs[kSlots];
    const int status =
        ares_parse_a_reply(answer.data(), aresLength(answer), nullptr, addrs, &count);
    if (status == ARES_ENODATA) return out;
    if (status != ARES_SUCCESS) return badAnswer(status);
    for (int i = 0; i < count && out.size() < maxAddresses; ++i) {
      if (inet_ntop(AF_INET, &addrs[i].ipaddr, text, sizeof text)) out.emplace_back(text);
    }
  } else {
    ares_addr6ttl addrs[kSlots];
    const int status =
        ares_parse_aaaa_reply(answer.data(), aresLength(answer), nullptr, addrs, &count);
    if (status == ARES_ENODATA) return out;
    if (status != ARES_SUCCESS) return badAnswer(status);
    for (int i = 0; i < count && out.size() < maxAddresses; ++i) {
      if (inet_ntop(AF_INET6, &addrs[i].ip6addr, text, sizeof text)) out.emplace_back(text);
    }
  }
  return out;
}

}  // namespace keyfed::net
