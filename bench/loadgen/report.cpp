#include "report.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace keyfed::loadgen {

namespace {

double ms(std::chrono::nanoseconds d) {
  return static_cast<double>(d.count()) / 1e6;
}

nlohmann::json latencyJson(const LatencyHistogram& h) {
  return {{"count", h.count()},
          {"min_ms", ms(h.min())},
          {"mean_ms", ms(h.mean())},
          {"p50_ms", ms(h.percentile(50))},
          {"p90_ms", ms(h.percentile(90))},
          {"p99_ms", ms(h.percentile(99))},
          {"p999_ms", ms(h.percentile(99.9))},
          {"max_ms", ms(h.max())}};
}

std::string latencyText(const LatencyHistogram& h) {
  if (h.count() == 0) return "no samples";
  return fmt::format("p50 {:.3f} ms, p90 {:.3f} ms, p99 {:.3f} ms, max {:.3f} ms ({} samples)",
                     ms(h.percentile(50)), ms(h.percentile(90)), ms(h.percentile(99)), ms(h.max()),
                     h.count());
}

template <class T>
nlohmann::json optionalJson(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

std::string jsonReport(const RunResult& r) {
  const Options& o = r.options;
  nlohmann::json j;
  j["target"] = {{"host", o.host}, {"port", o.port}, {"domain", o.domain}};
  j["config"] = {{"connections", o.connections},
                 {"accounts", o.accountCount()},
                 {"mechanism", o.mechanism},
                 {"connect_concurrency", o.connectConcurrency},
                 {"rate", o.rate},
                 {"inflight", o.inflight},
                 {"duration_s", o.duration},
                 {"warmup_s", o.warmup},
                 {"message_bytes", o.messageBytes},
                 {"prime", o.prime}};
  j["prime"] = {{"accounts", r.primedAccounts},
                {"seconds", r.primeSeconds},
                {"client_pbkdf2_runs", r.pbkdf2Runs}};
  j["connections"] = {{"requested", r.connectionsRequested},
                      {"established", r.connectionsEstablished},
                      {"failed", r.connectionsFailed},
                      {"establish_seconds", r.establishSeconds},
                      {"logins_per_second", r.loginsPerSecond()},
                      {"login_latency", latencyJson(r.loginLatency)}};
  j["messages"] = {{"enabled", r.messaging},
                   {"senders", r.senders},
                   {"sent", r.sent},
                   {"delivered", r.delivered},
                   {"lost", r.lost},
                   {"stanza_errors", r.stanzaErrors},
                   {"unexpected", r.unexpected},
                   {"reordered", r.reordered},
                   {"earlier_run", r.earlierRun},
                   {"not_sent_backlog", r.notSent},
                   {"measured_seconds", r.measuredSeconds},
                   {"measured_sent", r.measuredSent},
                   {"measured_delivered", r.measuredDelivered},
                   {"sent_per_second", r.sentPerSecond()},
                   {"delivered_per_second", r.deliveredPerSecond()},
                   {"latency", latencyJson(r.latency)},
                   {"client_cpu_percent", r.clientCpuPercent}};
  j["server_cpu"] = {{"login_seconds", optionalJson(r.serverCpuLoginSeconds)},
                     {"login_us_per_login", optionalJson(r.serverCpuMicrosPerLogin())},
                     {"measure_seconds", optionalJson(r.serverCpuMeasureSeconds)},
                     {"measure_percent", optionalJson(r.serverCpuPercent())},
                     {"us_per_message", optionalJson(r.serverCpuMicrosPerMessage())}};
  j["server_rss_kib"] = {{"before_login", optionalJson(r.rssBeforeKib)},
                         {"after_login", optionalJson(r.rssAfterLoginKib)},
                         {"end", optionalJson(r.rssEndKib)},
                         {"per_connection", optionalJson(r.rssPerConnectionKib())}};
  nlohmann::json errors = nlohmann::json::array();
  for (const ErrorSummary& e : r.errors) {
    errors.push_back({{"code", e.code}, {"count", e.count}, {"example", e.example}});
  }
  j["errors"] = errors;
  j["interrupted"] = r.interrupted;
  j["ok"] = r.ok();
  // Bodies and server texts may hold any bytes: never fail on them.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string textReport(const RunResult& r) {
  const Options& o = r.options;
  std::string out;
  auto line = [&out](const std::string& s) {
    out += s;
    out += '\n';
  };
  line(fmt::format("target        {}:{} domain {} ({}, {} accounts)", o.host, o.port, o.domain,
                   o.mechanism, o.accountCount()));
  if (o.prime) {
    line(fmt::format("prime         {} accounts in {:.2f} s", r.primedAccounts, r.primeSeconds));
  }
  line(fmt::format("connections   {} of {} established in {:.3f} s: {:.0f} logins/s, {} failed",
                   r.connectionsEstablished, r.connectionsRequested, r.establishSeconds,
                   r.loginsPerSecond(), r.connectionsFailed));
  line(fmt::format("login latency {}", latencyText(r.loginLatency)));
  line(fmt::format("client PBKDF2 {} runs", r.pbkdf2Runs));
  if (r.messaging) {
    std::string notes;
    if (r.notSent > 0) notes += fmt::format(", {} not sent (backlog)", r.notSent);
    if (r.earlierRun > 0) notes += fmt::format(", {} from an earlier run ignored", r.earlierRun);
    line(
        fmt::format("messages      {} sent, {} delivered, {} lost, {} stanza errors, {} "
                    "unexpected, {} reordered{}",
                    r.sent, r.delivered, r.lost, r.stanzaErrors, r.unexpected, r.reordered, notes));
    line(
        fmt::format("measured      {:.2f} s, {} senders, {}: {:.0f} msg/s delivered ({:.0f} "
                    "sent/s), generator CPU {:.0f} %",
                    r.measuredSeconds, r.senders,
                    o.rate > 0 ? fmt::format("offered {:.0f} msg/s", o.rate)
                               : fmt::format("window {}", o.inflight),
                    r.deliveredPerSecond(), r.sentPerSecond(), r.clientCpuPercent));
    line(fmt::format("latency       {}", latencyText(r.latency)));
  }
  if (auto perLogin = r.serverCpuMicrosPerLogin()) {
    line(fmt::format("server CPU    {:.0f} us per login ({:.2f} s in the storm)", *perLogin,
                     *r.serverCpuLoginSeconds));
  }
  if (auto perMessage = r.serverCpuMicrosPerMessage()) {
    line(fmt::format("server CPU    {:.1f} us per delivered message ({:.0f} % of a core)",
                     *perMessage, r.serverCpuPercent().value_or(0)));
  }
  if (r.rssBeforeKib || r.rssAfterLoginKib) {
    auto kib = [](const std::optional<std::uint64_t>& v) {
      return v ? fmt::format("{} KiB", *v) : std::string("?");
    };
    auto per = r.rssPerConnectionKib();
    line(fmt::format("server RSS    {} before login, {} after, {} at the end{}",
                     kib(r.rssBeforeKib), kib(r.rssAfterLoginKib), kib(r.rssEndKib),
                     per ? fmt::format(": {:.1f} KiB per connection", *per) : ""));
  }
  for (const ErrorSummary& e : r.errors) {
    line(fmt::format("error         {} x{}: {}", e.code, e.count, e.example));
  }
  if (r.interrupted) line("interrupted");
  line(r.ok() ? "result        ok" : "result        FAILED");
  return out;
}

}  // namespace keyfed::loadgen
