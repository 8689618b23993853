#include "regex.hpp"

#include <re2/re2.h>

#include <array>
#include <list>
#include <mutex>
#include <unordered_map>

namespace keynote::detail {
namespace {
// The classic implementation passes 32 match slots to regexec: group 0 and
// at most 31 groups are reported.
constexpr int kMaxGroups = 31;

// Compiled patterns shared by every session of the process: credentials
// presented again (a new session per request) do not pay RE2's compilation
// again. Bounded, least recently used first out; RE2 objects are immutable
// and safe to match from several threads.
class RegexCache {
 public:
  static constexpr std::size_t kCapacity = 256;  // x Limits::maxRegexMemory bounds its memory

  bool find(const std::string& key, CompiledRegex& out) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = index_.find(key);
    if (it == index_.end()) return false;
    order_.splice(order_.begin(), order_, it->second);
    out = it->second->second;
    return true;
  }

  void store(const std::string& key, const CompiledRegex& value) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (index_.count(key) != 0) return;
    order_.emplace_front(key, value);
    index_.emplace(key, order_.begin());
    if (order_.size() > kCapacity) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
  }

 private:
  std::mutex mutex_;
  std::list<std::pair<std::string, CompiledRegex>> order_;
  std::unordered_map<std::string, std::list<std::pair<std::string, CompiledRegex>>::iterator>
      index_;
};

RegexCache& cache() {
  static auto* c = new RegexCache();  // never destroyed: sessions may outlive statics
  return *c;
}

CompiledRegex compileUncached(std::string_view pattern, const Limits& limits);

}  // namespace

CompiledRegex compileRegex(std::string_view pattern, const Limits& limits) {
  if (pattern.size() > limits.maxRegexBytes) return compileUncached(pattern, limits);
  // The memory limit is part of the key: a pattern refused under a small
  // limit may compile under a larger one.
  std::string key = std::to_string(limits.maxRegexMemory) + ":" + std::string(pattern);
  CompiledRegex out;
  if (cache().find(key, out)) return out;
  out = compileUncached(pattern, limits);
  cache().store(key, out);
  return out;
}

namespace {

CompiledRegex compileUncached(std::string_view pattern, const Limits& limits) {
  CompiledRegex out;
  if (pattern.size() > limits.maxRegexBytes) {
    out.error = "regular expression longer than " + std::to_string(limits.maxRegexBytes) + " bytes";
    return out;
  }
  RE2::Options options;
  options.set_posix_syntax(true);   // POSIX egrep syntax, no Perl extensions
  options.set_longest_match(true);  // POSIX leftmost-longest semantics
  options.set_one_line(true);       // ^ and $ at the ends of the text (no REG_NEWLINE)
  options.set_dot_nl(true);         // '.' matches a newline, as in regexec()
  options.set_encoding(RE2::Options::EncodingLatin1);  // bytes, like the C locale
  options.set_log_errors(false);
  options.set_max_mem(static_cast<int64_t>(limits.maxRegexMemory));
  auto re = std::make_shared<const RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) {
    std::string why = re->error();
    if (why.find("invalid escape sequence") != std::string::npos &&
        pattern.find('\\') != std::string_view::npos) {
      why +=
          " (backreferences and Perl classes such as \\d are not supported; "
          "use POSIX classes such as [0-9] or [[:digit:]])";
    }
    out.error = "invalid regular expression: " + why;
    return out;
  }
  out.re = std::move(re);
  return out;
}

}  // namespace

bool regexSearch(const re2::RE2& re, std::string_view text, std::vector<std::string>& groups,
                 int& groupCount) {
  const int total = re.NumberOfCapturingGroups();
  const int wanted = total < kMaxGroups ? total : kMaxGroups;
  std::array<re2::StringPiece, kMaxGroups + 1> match{};
  re2::StringPiece input(text.data(), text.size());
  if (!re.Match(input, 0, input.size(), RE2::UNANCHORED, match.data(), wanted + 1)) {
    return false;
  }
  groupCount = total;
  groups.clear();
  for (int i = 1; i <= wanted; ++i) {
    if (match[static_cast<std::size_t>(i)].data() == nullptr) break;
    groups.emplace_back(match[static_cast<std::size_t>(i)].data(),
                        match[static_cast<std::size_t>(i)].size());
  }
  return true;
}

}  // namespace keynote::detail
