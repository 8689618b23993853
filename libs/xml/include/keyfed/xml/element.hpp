#pragma once
// An XML element with resolved namespaces: what the stream parser hands out per
// stanza and what the writer serialises. Names are local names; the namespace
// is a URI, never a prefix, so code compares (name, ns) pairs and the writer
// decides which prefixes or xmlns declarations the output needs.
//
// Memory: one Element owns its strings, an ordered attribute vector and an
// ordered vector of child nodes. Short names and values fit the strings' small
// buffer; a typical <message/> costs a handful of allocations (bench/xml_bench.cpp).

#include <cstddef>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace keyfed::xml {

// An attribute name is the plain local name for unqualified attributes
// ("type", "to"), "xml:lang" for the XML namespace, and Clark notation
// "{uri}local" for any other namespace-qualified attribute.
struct Attribute {
  std::string name;
  std::string value;
  bool operator==(const Attribute&) const = default;
};

class Node;
template <bool Const>
class ChildRange;

class Element {
 public:
  // Defined after Node: a vector of an incomplete type may be declared here
  // but not constructed.
  Element();
  Element(std::string name, std::string ns);

  const std::string& name() const { return name_; }
  const std::string& ns() const { return ns_; }
  void setName(std::string name) { name_ = std::move(name); }
  void setNs(std::string ns) { ns_ = std::move(ns); }
  bool is(std::string_view name, std::string_view ns) const { return name_ == name && ns_ == ns; }

  // Attributes, in document order.
  const std::vector<Attribute>& attributes() const { return attributes_; }
  // The value, or "" when absent; use findAttr to tell "absent" from "empty".
  std::string_view attr(std::string_view name) const;
  const std::string* findAttr(std::string_view name) const;
  bool hasAttr(std::string_view name) const { return findAttr(name) != nullptr; }
  // Replaces the value when the attribute exists (keeping its position), else appends.
  Element& setAttr(std::string_view name, std::string_view value);
  // Returns whether an attribute was removed.
  bool removeAttr(std::string_view name);
  void reserveAttributes(std::size_t n) { attributes_.reserve(n); }

  // Child nodes (elements and text), in document order.
  const std::vector<Node>& nodes() const { return nodes_; }
  std::vector<Node>& nodes() { return nodes_; }

  // First direct child element with this name and namespace, or nullptr.
  // An empty name or ns matches any.
  const Element* child(std::string_view name, std::string_view ns) const;
  Element* child(std::string_view name, std::string_view ns);
  // All direct child elements matching (name, ns) (empty matches any), for range-for.
  ChildRange<true> children(std::string_view name = {}, std::string_view ns = {}) const;
  ChildRange<false> children(std::string_view name = {}, std::string_view ns = {});
  std::size_t childCount() const;  // child elements, not text nodes

  // Appends and returns a reference to the new child (valid until the next
  // change to this element's children).
  Element& addChild(Element child);
  Element& addChild(std::string name, std::string ns);
  // Appends text; merges with a directly preceding text node.
  Element& addText(std::string_view text);
  // Removes direct child elements matching (name, ns); returns how many.
  std::size_t removeChildren(std::string_view name, std::string_view ns);
  void clearChildren();

  // Concatenated direct text children.
  std::string text() const;
  // Text of the first matching child, or "" when there is none.
  std::string childText(std::string_view name, std::string_view ns) const;

  // Deep copy (the copy constructor does the same; this names the intent).
  Element clone() const;

  // Structural equality: names, namespaces, attributes in order, nodes in order.
  bool operator==(const Element& other) const;

 private:
  std::string name_;
  std::string ns_;
  std::vector<Attribute> attributes_;
  std::vector<Node> nodes_;
};

// A child node: an element or a run of character data.
class Node {
 public:
  Node(Element e) : value_(std::move(e)) {}            // NOLINT: implicit by design
  Node(std::string text) : value_(std::move(text)) {}  // NOLINT: implicit by design

  bool isElement() const { return value_.index() == 0; }
  bool isText() const { return value_.index() == 1; }
  // Preconditions: isElement() / isText().
  const Element& element() const { return std::get<0>(value_); }
  Element& element() { return std::get<0>(value_); }
  const std::string& text() const { return std::get<1>(value_); }
  std::string& text() { return std::get<1>(value_); }
  // nullptr when the node is of the other kind.
  const Element* asElement() const { return std::get_if<0>(&value_); }
  Element* asElement() { return std::get_if<0>(&value_); }

  bool operator==(const Node& other) const { return value_ == other.value_; }

 private:
  std::variant<Element, std::string> value_;
};

inline Element::Element() = default;
inline Element::Element(std::string name, std::string ns)
    : name_(std::move(name)), ns_(std::move(ns)) {}
inline void Element::clearChildren() {
  nodes_.clear();
}
inline Element Element::clone() const {
  return *this;
}

// Iterates the direct child elements of one element that match (name, ns).
template <bool Const>
class ChildRange {
  using NodeVec = std::conditional_t<Const, const std::vector<Node>, std::vector<Node>>;
  using Base =
      std::conditional_t<Const, std::vector<Node>::const_iterator, std::vector<Node>::iterator>;
  using Elem = std::conditional_t<Const, const Element, Element>;

 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Element;
    using difference_type = std::ptrdiff_t;
    using pointer = Elem*;
    using reference = Elem&;

    iterator() = default;
    iterator(Base it, Base end, std::string_view name, std::string_view ns)
        : it_(it), end_(end), name_(name), ns_(ns) {
      skip();
    }
    reference operator*() const { return it_->element(); }
    pointer operator->() const { return &it_->element(); }
    iterator& operator++() {
      ++it_;
      skip();
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++*this;
      return old;
    }
    bool operator==(const iterator& o) const { return it_ == o.it_; }

   private:
    void skip() {
      while (it_ != end_) {
        if (const Element* e = it_->asElement(); e != nullptr &&
                                                 (name_.empty() || e->name() == name_) &&
                                                 (ns_.empty() || e->ns() == ns_))
          return;
        ++it_;
      }
    }
    Base it_{};
    Base end_{};
    std::string_view name_;
    std::string_view ns_;
  };

  ChildRange(NodeVec& nodes, std::string_view name, std::string_view ns)
      : nodes_(&nodes), name_(name), ns_(ns) {}
  iterator begin() const { return iterator(nodes_->begin(), nodes_->end(), name_, ns_); }
  iterator end() const { return iterator(nodes_->end(), nodes_->end(), name_, ns_); }
  bool empty() const { return begin() == end(); }

 private:
  NodeVec* nodes_;
  std::string_view name_;
  std::string_view ns_;
};

}  // namespace keyfed::xml
