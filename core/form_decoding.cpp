#include "core/form_decoding.h"

#include "core/text.h"

namespace sluice {

const FormNode* FormNode::child(const std::string& childKey) const {
  for (const auto& c : children)
    if (c.key == childKey) return &c;
  return nullptr;
}

std::string percentDecode(const std::string& text, bool plusIsSpace) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plusIsSpace) {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && hexDigitValue(text[i + 1]) >= 0 &&
               hexDigitValue(text[i + 2]) >= 0) {
      out += static_cast<char>(hexDigitValue(text[i + 1]) * 16 + hexDigitValue(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<FormPair> parseFormPairs(const std::string& text) {
  std::vector<FormPair> out;
  size_t at = 0;
  while (at <= text.size()) {
    size_t end = text.find('&', at);
    if (end == std::string::npos) end = text.size();
    const std::string piece = text.substr(at, end - at);
    if (!piece.empty()) {
      const size_t eq = piece.find('=');
      out.push_back({percentDecode(piece.substr(0, eq), true),
                     eq == std::string::npos ? "" : percentDecode(piece.substr(eq + 1), true)});
    }
    at = end + 1;
  }
  return out;
}

std::optional<std::vector<std::string>> splitFormKey(const std::string& key) {
  const size_t open = key.find('[');
  std::vector<std::string> path{key.substr(0, open)};
  if (path[0].empty() || path[0].find(']') != std::string::npos) return std::nullopt;
  for (size_t at = open; at != std::string::npos && at < key.size();) {
    if (key[at] != '[') return std::nullopt;  // text between "]" and "[", or after the last "]"
    const size_t close = key.find(']', at);
    if (close == std::string::npos) return std::nullopt;
    const std::string sub = key.substr(at + 1, close - at - 1);
    if (sub.find('[') != std::string::npos) return std::nullopt;
    path.push_back(sub);
    at = close + 1;
  }
  return path;
}

namespace {

// The child of `node` for one segment: "" (a[]) always appends, a name is found or added.
FormNode& childFor(FormNode& node, const std::string& seg) {
  if (!seg.empty())
    for (auto& c : node.children)
      if (c.key == seg) return c;
  FormNode fresh;
  fresh.key = seg;
  fresh.name = node.name.empty() ? seg : node.name + "[" + seg + "]";
  node.children.push_back(std::move(fresh));
  return node.children.back();
}

}  // namespace

FormNode formTree(const std::vector<FormPair>& pairs, std::vector<std::string>* malformed) {
  FormNode root;
  for (const auto& pair : pairs) {
    const auto path = splitFormKey(pair.key);
    if (!path) {
      if (malformed) malformed->push_back(pair.key);
      continue;
    }
    FormNode* node = &root;
    for (const auto& seg : *path) node = &childFor(*node, seg);
    node->hasValue = true;
    node->value = pair.value;
  }
  return root;
}

}  // namespace sluice
