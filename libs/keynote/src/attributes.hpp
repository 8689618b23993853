#pragma once
// The action attribute set of a session: name -> value, looked up by the
// evaluator with the hash the parser precomputed for each attribute name, so
// that a lookup costs one probe and one comparison.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace keynote::detail {

inline std::uint64_t attributeHash(std::string_view name) {
  return std::hash<std::string_view>{}(name);
}

class AttributeTable {
 public:
  [[nodiscard]] const std::string* find(std::string_view name, std::uint64_t hash) const;
  [[nodiscard]] const std::string* find(std::string_view name) const {
    return find(name, attributeHash(name));
  }
  void set(std::string_view name, std::string_view value);
  bool erase(std::string_view name);
  void clear();
  [[nodiscard]] std::size_t size() const { return size_; }

  template <typename F>
  void forEach(F&& f) const {
    for (const Slot& s : slots_) {
      if (s.state == State::Used) f(s.name, s.value);
    }
  }

 private:
  enum class State : std::uint8_t { Empty, Used, Deleted };
  struct Slot {
    State state = State::Empty;
    std::uint64_t hash = 0;
    std::string name;
    std::string value;
  };
  void grow();
  std::size_t probe(std::string_view name, std::uint64_t hash) const;

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
  std::size_t deleted_ = 0;
};

}  // namespace keynote::detail
