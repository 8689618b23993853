#include "fac_commands.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <thread>

#include "admin_call.hpp"
#include "admin_client.hpp"
#include "https_client.hpp"
#include "keyfed/agent/protocol.hpp"

namespace keyfed::ctl {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxFileBytes = 1 << 20;

base::Result<std::string> readFile(const std::string& name) {
  if (name == "-") {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    if (text.size() > kMaxFileBytes)
      return base::fail("keyfedctl.too-large", "stdin is larger than 1 MiB");
    return text;
  }
  std::ifstream in(name, std::ios::binary);
  if (!in) return base::fail("keyfedctl.io", "cannot read " + name);
  std::string text;
  char buffer[4096];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxFileBytes) {
      return base::fail("keyfedctl.too-large", name + " is larger than 1 MiB");
    }
  }
  return text;
}

std::string pretty(const json& j) {
  return j.dump(2, ' ', false, json::error_handler_t::replace);
}

// Prints a FAC response and returns 0 only for a grant.
int printResponse(const json& response) {
  std::printf("%s\n", pretty(response).c_str());
  const bool granted = response.is_object() && response.value("status", "") == "granted";
  if (!granted && response.is_object()) {
    const std::string status = response.value("status", "unknown");
    if (status == "invalid" && response.contains("error")) {
      printError("request invalid: " + response["error"].value("message", "") + " [" +
                 response["error"].value("code", "") + "]");
    } else {
      printError("request " + status);
    }
  }
  return granted ? kExitOk : kExitFailure;
}

std::string timeText(std::int64_t unix) {
  const std::time_t t = static_cast<std::time_t>(unix);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

std::string firstLine(const std::string& text, std::size_t max = 100) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.size() > max) line = line.substr(0, max) + "...";
  return line;
}

// POSTs the signed request to an agent's HTTPS endpoint and prints its answer.
int postToAgent(const Context& ctx, const FacRequestOptions& o, const std::string& text) {
  auto url = http::parseHttpsUrl(o.https);
  if (!url) {
    printError(url.error());
    return kExitUsage;
  }
  auto answer = postHttps(*url, o.connect, o.caFile, text, ctx.timeout);
  if (!answer) return failure(answer.error());
  json response = json::parse(answer->body, nullptr, false);
  if (response.is_discarded()) {
    return failure("HTTP " + std::to_string(answer->status) + " without a JSON answer");
  }
  if (!response.contains("status")) {  // an HTTP-level error (413, 429, ...)
    std::printf("%s\n", pretty(response).c_str());
    return failure("HTTP " + std::to_string(answer->status));
  }
  return printResponse(response);
}

}  // namespace

int facRequest(const Context& ctx, const FacRequestOptions& o) {
  agent::Request request;
  request.target = o.target;
  if (request.target.empty() && !o.to.empty()) {
    const auto slash = o.to.find('/');
    const std::string bare = o.to.substr(0, slash);
    const auto at = bare.find('@');
    request.target = at == std::string::npos ? bare : bare.substr(at + 1);
  }
  if (request.target.empty()) {
    printError("--target DOMAIN (the server whose agent decides) or --to JID is required");
    return kExitUsage;
  }
  for (const auto& a : o.attributes) {
    const auto eq = a.find('=');
    if (eq == std::string::npos || eq == 0) {
      printError("--attr takes NAME=VALUE, not '" + a + "'");
      return kExitUsage;
    }
    request.attributes[a.substr(0, eq)] = a.substr(eq + 1);
  }
  for (const auto& file : o.credentialFiles) {
    auto text = readFile(file);
    if (!text) return failure(text.error());
    request.credentials.push_back(std::move(*text));
  }
  auto key = readFile(o.keyFile);
  if (!key) return failure(key.error());
  request.nonce = agent::makeNonce();
  request.timestamp = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  if (auto signedOk = agent::signRequest(request, *key, o.algorithm); !signedOk) {
    return failure(signedOk.error());
  }
  const std::string text = agent::toJson(request);
  // What the agent will check, before anything leaves.
  if (auto parsed = agent::parseRequest(text); !parsed) return failure(parsed.error());
  if (!o.https.empty()) return postToAgent(ctx, o, text);
  if (o.to.empty()) {
    std::printf("%s\n", text.c_str());
    return kExitOk;
  }
  int code = kExitOk;
  auto sent =
      callAdminCommand(ctx, "fac-send", {{"to", o.to}, {"request", json::parse(text)}}, code);
  if (!sent) return code;
  const std::string id = sent->value("id", "");
  std::fprintf(stderr, "keyfedctl: request %s sent to %s, waiting for the answer\n",
               sent->value("request_id", "").c_str(), o.to.c_str());
  const auto deadline = Clock::now() + ctx.timeout;
  while (Clock::now() < deadline) {
    auto result = callAdminCommand(ctx, "fac-result", {{"id", id}}, code);
    if (!result) return code;
    if (result->value("status", "") == "answered") return printResponse((*result)["response"]);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  printError("no answer from " + o.to +
             " within the timeout (the answer, if it comes, is in "
             "`keyfedctl audit --event response`)");
  return kExitFailure;
}

int facSubmit(const Context& ctx, const std::string& file) {
  auto text = readFile(file.empty() ? "-" : file);
  if (!text) return failure(text.error());
  int code = kExitOk;
  auto response = callAdminCommand(ctx, "fac-submit", {{"request", *text}}, code);
  if (!response) return code;
  return printResponse(*response);
}

int audit(const Context& ctx, const AuditOptions& o) {
  json args = {{"limit", o.limit}};
  if (!o.event.empty()) args["event"] = o.event;
  if (!o.requestId.empty()) args["request_id"] = o.requestId;
  if (!o.outcome.empty()) args["outcome"] = o.outcome;
  if (!o.peer.empty()) args["peer"] = o.peer;
  if (o.entry > 0) args["entry"] = o.entry;
  if (o.since >= 0) args["since"] = o.since;
  if (o.last > 0) {
    args["since"] = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count() -
                    o.last;
  }
  int code = kExitOk;
  auto result = callAdminCommand(ctx, "audit", args, code);
  if (!result) return code;
  if (o.json) {
    std::printf("%s\n", pretty(*result).c_str());
    return kExitOk;
  }
  for (const auto& r : (*result)["records"]) {
    std::string line = std::to_string(r.value("id", 0)) + "  " + timeText(r.value("at", 0)) + "  " +
                       r.value("event", "");
    if (!r.value("outcome", "").empty()) line += " " + r.value("outcome", "");
    if (!r.value("request_id", "").empty()) line += "  request=" + r.value("request_id", "");
    if (!r.value("peer", "").empty()) line += "  peer=" + r.value("peer", "");
    if (r.value("entry", 0) != 0) line += "  entry=" + std::to_string(r.value("entry", 0));
    if (!r.value("detail", "").empty()) line += "  " + firstLine(r.value("detail", ""));
    std::printf("%s\n", line.c_str());
  }
  return kExitOk;
}

int policyList(const Context& ctx, bool asJson) {
  int code = kExitOk;
  auto result = callAdminCommand(ctx, "policy-list", json::object(), code);
  if (!result) return code;
  if (asJson) {
    std::printf("%s\n", pretty(*result).c_str());
    return kExitOk;
  }
  for (const auto& e : (*result)["entries"]) {
    std::string line = std::to_string(e.value("id", 0)) + "  " + e.value("rule", "");
    line += e["expires"].is_number() ? "  until " + timeText(e["expires"].get<std::int64_t>())
                                     : "  until revoked";
    line += "  (" + e.value("origin", "");
    if (!e.value("request_id", "").empty()) line += " " + e.value("request_id", "");
    line += ")";
    std::printf("%s\n", line.c_str());
  }
  return kExitOk;
}

int policyRevoke(const Context& ctx, long long id) {
  int code = kExitOk;
  auto result = callAdminCommand(ctx, "policy-revoke", {{"id", id}}, code);
  if (!result) return code;
  std::printf("revoked %lld: %s\n", id, (*result)["revoked"].value("rule", "").c_str());
  return kExitOk;
}

int policyAdd(const Context& ctx, const std::string& kind, const std::string& spec,
              long long validity) {
  json parsed = json::parse(spec, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    printError("SPEC must be a JSON object, e.g. '{\"domain\":\"partner.example\"}'");
    return kExitUsage;
  }
  json args = {{"kind", kind}, {"spec", parsed}};
  if (validity > 0) args["validity"] = validity;
  int code = kExitOk;
  auto result = callAdminCommand(ctx, "policy-add", args, code);
  if (!result) return code;
  for (const auto& e : (*result)["entries"]) {
    std::printf("added %lld: %s\n", static_cast<long long>(e.value("id", 0)),
                e.value("rule", "").c_str());
  }
  return kExitOk;
}

}  // namespace keyfed::ctl
