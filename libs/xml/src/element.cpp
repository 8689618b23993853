#include "keyfed/xml/element.hpp"

#include <algorithm>

namespace keyfed::xml {

namespace {
bool matches(const Element& e, std::string_view name, std::string_view ns) {
  return (name.empty() || e.name() == name) && (ns.empty() || e.ns() == ns);
}
}  // namespace

const std::string* Element::findAttr(std::string_view name) const {
  for (const Attribute& a : attributes_) {
    if (a.name == name) return &a.value;
  }
  return nullptr;
}

std::string_view Element::attr(std::string_view name) const {
  const std::string* v = findAttr(name);
  return v != nullptr ? std::string_view(*v) : std::string_view();
}

Element& Element::setAttr(std::string_view name, std::string_view value) {
  for (Attribute& a : attributes_) {
    if (a.name == name) {
      a.value.assign(value);
      return *this;
    }
  }
  attributes_.push_back(Attribute{std::string(name), std::string(value)});
  return *this;
}

bool Element::removeAttr(std::string_view name) {
  auto it = std::find_if(attributes_.begin(), attributes_.end(),
                         [&](const Attribute& a) { return a.name == name; });
  if (it == attributes_.end()) return false;
  attributes_.erase(it);
  return true;
}

const Element* Element::child(std::string_view name, std::string_view ns) const {
  for (const Node& n : nodes_) {
    if (const Element* e = n.asElement(); e != nullptr && matches(*e, name, ns)) return e;
  }
  return nullptr;
}

Element* Element::child(std::string_view name, std::string_view ns) {
  for (Node& n : nodes_) {
    if (Element* e = n.asElement(); e != nullptr && matches(*e, name, ns)) return e;
  }
  return nullptr;
}

ChildRange<true> Element::children(std::string_view name, std::string_view ns) const {
  return ChildRange<true>(nodes_, name, ns);
}

ChildRange<false> Element::children(std::string_view name, std::string_view ns) {
  return ChildRange<false>(nodes_, name, ns);
}

std::size_t Element::childCount() const {
  return static_cast<std::size_t>(
      std::count_if(nodes_.begin(), nodes_.end(), [](const Node& n) { return n.isElement(); }));
}

Element& Element::addChild(Element child) {
  nodes_.emplace_back(std::move(child));
  return nodes_.back().element();
}

Element& Element::addChild(std::string name, std::string ns) {
  return addChild(Element(std::move(name), std::move(ns)));
}

Element& Element::addText(std::string_view text) {
  if (text.empty()) return *this;
  if (!nodes_.empty() && nodes_.back().isText()) {
    nodes_.back().text().append(text);
  } else {
    nodes_.emplace_back(std::string(text));
  }
  return *this;
}

std::size_t Element::removeChildren(std::string_view name, std::string_view ns) {
  auto before = nodes_.size();
  std::erase_if(nodes_, [&](const Node& n) {
    const Element* e = n.asElement();
    return e != nullptr && matches(*e, name, ns);
  });
  return before - nodes_.size();
}

std::string Element::text() const {
  // The common case (one text node) costs exactly one copy.
  std::string out;
  for (const Node& n : nodes_) {
    if (n.isText()) out += n.text();
  }
  return out;
}

std::string Element::childText(std::string_view name, std::string_view ns) const {
  const Element* c = child(name, ns);
  return c != nullptr ? c->text() : std::string();
}

bool Element::operator==(const Element& other) const {
  return name_ == other.name_ && ns_ == other.ns_ && attributes_ == other.attributes_ &&
         nodes_ == other.nodes_;
}

}  // namespace keyfed::xml
