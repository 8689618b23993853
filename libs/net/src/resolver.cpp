#include "keyfed/net/resolver.hpp"

#include <ares.h>
#include <arpa/nameser.h>
#include <sys/socket.h>

#include <algorithm>
#include <optional>
#include <random>
#include <set>
#include <tuple>
#include <unordered_map>

#include "ares_channel.hpp"
#include "dns_answers.hpp"
#include "dns_names.hpp"
#include "keyfed/base/log.hpp"
#include "keyfed/net/event_loop.hpp"
#include "srv_order.hpp"

namespace boost::asio {
class io_context;
}

namespace keyfed::net {

namespace {

// Hard limits on what one peer's DNS can make us hold or do.
constexpr std::size_t kMaxAnswerBytes =
    std::size_t{16} * 1024;                 // ~400 SRV records; real ones have a few
constexpr std::size_t kMaxSrvRecords = 64;  // per service
constexpr std::size_t kMaxPendingResolutions = 1024;
constexpr std::uint16_t kDefaultPort = 5269;

const base::Logger& logger() {
  static const base::Logger log("dns");
  return log;
}

std::string errorCodeFor(int status) {
  switch (status) {
    case ARES_ENOTFOUND:
    case ARES_ENODATA: return "dns.not-found";
    case ARES_ETIMEOUT: return "dns.timeout";
    case ARES_EBADNAME: return "dns.bad-domain";
    case ARES_ECONNREFUSED:
    case ARES_ESERVFAIL:
    case ARES_EREFUSED:
    case ARES_ENOTIMP:
    case ARES_EFORMERR:
    case ARES_EBADRESP: return "dns.server-failure";
    default: return "dns.failure";
  }
}

base::Error queryError(const std::string& name, const char* type, const AresAnswer& answer) {
  if (answer.tooLarge) {
    return base::Error{"dns.answer-too-large",
                       std::string(type) + " answer of " + std::to_string(answer.size) +
                           " bytes (limit " + std::to_string(kMaxAnswerBytes) + ")",
                       name};
  }
  return base::Error{errorCodeFor(answer.status),
                     std::string(type) + " lookup: " + ares_strerror(answer.status), name};
}

bool isNoRecords(const AresAnswer& answer) {
  return answer.status == ARES_ENOTFOUND || answer.status == ARES_ENODATA;
}

// One host whose addresses we need (an SRV target, a static host, or the
// domain itself on 5269).
struct Target {
  std::string host;
  std::uint16_t port = kDefaultPort;
  bool directTls = false;
  std::vector<std::string> v6;
  std::vector<std::string> v4;
  int pending = 0;
  std::optional<base::Error> error;
};

// One resolve() call, from start to callback.
struct Resolution {
  explicit Resolution(EventLoop& loop) : deadline(loop) {}
  std::string domain;
  Resolver::Callback callback;
  Timer deadline;
  int srvPending = 0;
  std::vector<SrvRecord> srv;
  bool rootTarget = false;
  std::optional<base::Error> srvError;  // a failure other than "no records"
  bool srvFatal = false;                // refused outright (too large): no fallback
  bool fallback = false;                // no SRV: the domain's own A/AAAA on 5269
  std::vector<Target> targets;
  int addressPending = 0;
};

using ResolutionId = std::uint64_t;

class State : public std::enable_shared_from_this<State> {
 public:
  State(EventLoop& loop, ResolverOptions options) : loop_(loop), options_(std::move(options)) {
    options_.maxEndpoints = std::max<std::size_t>(options_.maxEndpoints, 1);
    for (const auto& [domain, routes] : options_.staticRoutes) {
      if (auto name = normalizeDnsName(domain))
        staticRoutes_[*name] = routes;
      else if (auto ip = ipLiteral(domain))
        staticRoutes_[*ip] = routes;
      else
        logger().warn("static route for '{}' ignored: not a domain", domain);
    }
    rng_.seed(std::random_device{}());
  }

  void init() {
    if (options_.servers.empty() && !options_.useSystemResolver) {
      channelError_ =
          base::Error{"dns.disabled", "no static route and no DNS server configured", {}};
      return;
    }
    AresSettings settings;
    if (!options_.servers.empty()) {
      auto csv = aresServerList(options_.servers);
      if (!csv) {
        channelError_ = csv.error();
        logger().error("DNS disabled: {}", csv.error().describe());
        return;
      }
      settings.serversCsv = *csv;
    }
    // c-ares retries once per server; the whole resolution is bounded by
    // options_.timeout (the deadline below), which leaves time for the A/AAAA round.
    settings.tryTimeout = std::clamp(options_.timeout / 5, std::chrono::milliseconds(50),
                                     std::chrono::milliseconds(2000));
    settings.tries = 2;
    settings.maxAnswerBytes = kMaxAnswerBytes;
    auto channel = AresChannel::create(
        *static_cast<boost::asio::io_context*>(loop_.nativeContext()), settings);
    if (!channel) {
      channelError_ = channel.error();
      logger().error("DNS disabled: {}", channel.error().describe());
      return;
    }
    channel_ = std::move(*channel);
  }

  void resolve(const std::string& domain, Resolver::Callback callback) {
    if (resolutions_.size() >= kMaxPendingResolutions) {
      return post(std::move(callback),
                  base::fail("dns.busy", "too many lookups in progress", domain));
    }
    if (auto ip = ipLiteral(domain); ip && !staticRoutes_.contains(*ip)) {
      // An IP-literal XMPP domain ("[::1]", RFC 7622 3.2) needs no lookup.
      return post(std::move(callback),
                  std::vector<PeerEndpoint>{PeerEndpoint{*ip, kDefaultPort, false, *ip}});
    }
    std::string name;
    if (auto ip = ipLiteral(domain))
      name = *ip;
    else if (auto normalized = normalizeDnsName(domain))
      name = std::move(*normalized);
    else
      return post(std::move(callback), base::fail(std::move(normalized).error()));

    const ResolutionId id = nextId_++;
    auto& r = *resolutions_.emplace(id, std::make_unique<Resolution>(loop_)).first->second;
    r.domain = name;
    r.callback = std::move(callback);
    r.deadline.start(options_.timeout, [weak = weak_from_this(), id] {
      if (auto self = weak.lock()) {
        self->finish(id, base::fail("dns.timeout", "no answer in time", self->domainOf(id)));
      }
    });

    if (auto it = staticRoutes_.find(name); it != staticRoutes_.end()) {
      for (const auto& route : it->second) {
        r.targets.push_back(Target{route.host, route.port, route.directTls, {}, {}, 0, {}});
      }
      logger().debug("{}: {} static route(s)", name, r.targets.size());
      return startAddresses(id);
    }
    if (!channel_) return finish(id, base::fail(base::Error(*channelError_)));
    r.srvPending = 2;
    querySrv(id, "_xmpps-server._tcp." + name, true);
    querySrv(id, "_xmpp-server._tcp." + name, false);
  }

 private:
  Resolution* find(ResolutionId id) {
    auto it = resolutions_.find(id);
    return it == resolutions_.end() ? nullptr : it->second.get();
  }
  std::string domainOf(ResolutionId id) {
    auto* r = find(id);
    return r ? r->domain : std::string();
  }

  template <class Value>
  void post(Resolver::Callback callback, Value value) {
    base::Result<std::vector<PeerEndpoint>> result(std::move(value));
    loop_.post([weak = weak_from_this(), callback = std::move(callback),
                result = std::move(result)]() mutable {
      if (weak.expired()) return;  // the resolver is gone: so is whoever asked
      callback(std::move(result));
    });
  }

  void finish(ResolutionId id, base::Result<std::vector<PeerEndpoint>> result) {
    auto it = resolutions_.find(id);
    if (it == resolutions_.end()) return;
    auto resolution = std::move(it->second);
    resolutions_.erase(it);
    if (result) {
      logger().debug("{}: {} endpoint(s), first {}:{}", resolution->domain, result->size(),
                     result->front().address, result->front().port);
    } else {
      logger().debug("{}: {}", resolution->domain, result.error().describe());
    }
    post(std::move(resolution->callback), std::move(result));
  }

  void querySrv(ResolutionId id, const std::string& name, bool directTls) {
    channel_->query(name, ns_t_srv,
                    [weak = weak_from_this(), id, name, directTls](const AresAnswer& answer) {
                      if (auto self = weak.lock()) self->onSrv(id, name, directTls, answer);
                    });
  }

  void onSrv(ResolutionId id, const std::string& name, bool directTls, const AresAnswer& answer) {
    auto* r = find(id);
    if (!r) return;
    --r->srvPending;
    if (answer.status == ARES_SUCCESS && !answer.tooLarge) {
      auto parsed = parseSrvAnswer(answer.bytes, directTls, kMaxSrvRecords);
      if (parsed) {
        r->rootTarget = r->rootTarget || parsed->rootTarget;
        for (auto& record : parsed->records) {
          if (record.port != 0) r->srv.push_back(std::move(record));
        }
      } else {
        r->srvFatal = r->srvFatal || parsed.error().code == "dns.answer-too-large";
        r->srvError = parsed.error();
        r->srvError->where = name;
      }
    } else if (!isNoRecords(answer)) {
      r->srvFatal = r->srvFatal || answer.tooLarge;
      if (!r->srvError || answer.tooLarge) r->srvError = queryError(name, "SRV", answer);
    }
    if (r->srvPending == 0) onSrvDone(id, *r);
  }

  void onSrvDone(ResolutionId id, Resolution& r) {
    if (r.srvFatal) return finish(id, base::fail(base::Error(*r.srvError)));
    if (!r.srv.empty()) {
      auto ordered = orderSrvRecords(std::move(r.srv), rng_);
      std::set<std::tuple<std::string, std::uint16_t, bool>> seen;
      for (auto& record : ordered) {
        if (r.targets.size() == options_.maxEndpoints) break;
        if (!seen.emplace(record.target, record.port, record.directTls).second) continue;
        r.targets.push_back(
            Target{std::move(record.target), record.port, record.directTls, {}, {}, 0, {}});
      }
      return startAddresses(id);
    }
    if (r.rootTarget) {
      return finish(id, base::fail("dns.service-unavailable",
                                   "SRV target \".\": XMPP federation is decidedly not available "
                                   "at this domain (RFC 2782)",
                                   r.domain));
    }
    // RFC 6120 3.2.1 step 9 / 3.2.2: no SRV (or the SRV lookup failed): the domain on 5269.
    r.fallback = true;
    r.targets.push_back(Target{r.domain, kDefaultPort, false, {}, {}, 0, {}});
    startAddresses(id);
  }

  void startAddresses(ResolutionId id) {
    auto* r = find(id);
    for (std::size_t i = 0; i < r->targets.size(); ++i) {
      auto& target = r->targets[i];
      if (auto ip = ipLiteral(target.host)) {
        (ip->find(':') == std::string::npos ? target.v4 : target.v6).push_back(*ip);
        continue;
      }
      auto name = normalizeDnsName(target.host);
      if (!name) {
        target.error = name.error();
        continue;
      }
      if (!channel_) {
        target.error = *channelError_;
        target.error->where = target.host;
        continue;
      }
      target.pending = 2;
      r->addressPending += 2;
      queryAddress(id, i, *name, AF_INET6);
      queryAddress(id, i, *name, AF_INET);
    }
    if (r->addressPending == 0) onAddressesDone(id, *r);
  }

  void queryAddress(ResolutionId id, std::size_t index, const std::string& name, int family) {
    channel_->query(name, family == AF_INET ? ns_t_a : ns_t_aaaa,
                    [weak = weak_from_this(), id, index, name, family](const AresAnswer& answer) {
                      if (auto self = weak.lock()) self->onAddress(id, index, name, family, answer);
                    });
  }

  void onAddress(ResolutionId id, std::size_t index, const std::string& name, int family,
                 const AresAnswer& answer) {
    auto* r = find(id);
    if (!r) return;
    auto& target = r->targets[index];
    --target.pending;
    --r->addressPending;
    const char* type = family == AF_INET ? "A" : "AAAA";
    if (answer.status == ARES_SUCCESS && !answer.tooLarge) {
      auto parsed = parseAddressAnswer(answer.bytes, family, options_.maxEndpoints);
      if (parsed)
        (family == AF_INET ? target.v4 : target.v6) = std::move(*parsed);
      else
        target.error = parsed.error();
    } else if (!isNoRecords(answer)) {
      target.error = queryError(name, type, answer);
    }
    if (r->addressPending == 0) onAddressesDone(id, *r);
  }

  void onAddressesDone(ResolutionId id, Resolution& r) {
    std::vector<PeerEndpoint> endpoints;
    std::set<std::tuple<std::string, std::uint16_t, bool>> seen;
    auto add = [&](const Target& t, const std::string& address) {
      if (endpoints.size() < options_.maxEndpoints &&
          seen.emplace(address, t.port, t.directTls).second) {
        endpoints.push_back(PeerEndpoint{address, t.port, t.directTls, t.host});
      }
    };
    for (const auto& target : r.targets) {
      // Families interleaved, IPv6 first (RFC 8305 4): one broken family costs
      // every other attempt, not all the first ones.
      for (std::size_t i = 0; i < std::max(target.v6.size(), target.v4.size()); ++i) {
        if (i < target.v6.size()) add(target, target.v6[i]);
        if (i < target.v4.size()) add(target, target.v4[i]);
      }
    }
    if (!endpoints.empty()) return finish(id, std::move(endpoints));
    finish(id, base::fail(noAddressError(r)));
  }

  static base::Error noAddressError(const Resolution& r) {
    if (r.fallback) {
      const Target& domain = r.targets.front();
      base::Error e = domain.error ? *domain.error
                                   : base::Error{"dns.not-found", "no A/AAAA records", r.domain};
      e.message = "no SRV records; " + e.message;
      if (r.srvError) e.message += " (SRV: " + r.srvError->message + ")";
      return e;
    }
    // SRV (or static) targets without addresses: the domain is there but unreachable.
    // When every target failed the same way (all timed out, DNS disabled), say that.
    std::string message = "no address for";
    bool anyTimeout = false;
    std::optional<std::string> sharedCode;
    bool shared = true;
    for (const auto& t : r.targets) {
      message += " " + t.host + " (" + (t.error ? t.error->code : "no A/AAAA records") + ")";
      anyTimeout = anyTimeout || (t.error && t.error->code == "dns.timeout");
      if (!t.error || (sharedCode && *sharedCode != t.error->code))
        shared = false;
      else
        sharedCode = t.error->code;
    }
    const std::string code = shared && sharedCode ? *sharedCode
                             : anyTimeout         ? "dns.timeout"
                                                  : "dns.no-address";
    return base::Error{code, message, r.domain};
  }

  EventLoop& loop_;
  ResolverOptions options_;
  std::map<std::string, std::vector<StaticRoute>, std::less<>> staticRoutes_;  // normalised keys
  std::shared_ptr<AresChannel> channel_;
  std::optional<base::Error> channelError_;
  std::unordered_map<ResolutionId, std::unique_ptr<Resolution>> resolutions_;
  ResolutionId nextId_ = 1;
  std::mt19937 rng_;
};

class ResolverImpl final : public Resolver {
 public:
  ResolverImpl(EventLoop& loop, ResolverOptions options)
      : state_(std::make_shared<State>(loop, std::move(options))) {
    state_->init();
  }
  void resolve(const std::string& domain, Callback callback) override {
    state_->resolve(domain, std::move(callback));
  }

 private:
  // Destroying the state destroys the c-ares channel and every pending
  // lookup; callbacks not yet run are dropped.
  std::shared_ptr<State> state_;
};

}  // namespace

std::unique_ptr<Resolver> Resolver::create(EventLoop& loop, ResolverOptions options) {
  return std::make_unique<ResolverImpl>(loop, std::move(options));
}

}  // namespace keyfed::net
