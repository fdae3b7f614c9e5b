// application/x-www-form-urlencoded text with Stripe's bracketed nesting, read back into a
// tree: the inverse of formEncode (core/form_encoding.h).
//   metadata[plan]=pro&items[0][price]=p_1&expand[]=customer
//   -> metadata {plan: "pro"}, items {0 {price: "p_1"}}, expand {"": "customer"}
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sluice {

struct FormPair {
  std::string key;  // percent-decoded, '+' read as a space
  std::string value;
};

// One name of the tree: a top-level parameter, a sub-key ("plan"), an index ("0") or an
// appended array element ("" for a[]).
struct FormNode {
  std::string key;
  std::string name;  // the full key up to this node, as sent: items[0][price]
  bool hasValue = false;
  std::string value;
  std::vector<FormNode> children;  // in order of first appearance

  const FormNode* child(const std::string& childKey) const;
};

// Percent-decoding; '+' is a space when plusIsSpace (form text, not a path segment); a '%'
// without two hex digits stays as it is.
std::string percentDecode(const std::string& text, bool plusIsSpace);

// The pairs of a query string or form body, decoded, in order. Empty pieces (a&&b) are skipped.
std::vector<FormPair> parseFormPairs(const std::string& text);

// The bracket path of a key: "items[0][price]" -> {items, 0, price}, "expand[]" -> {expand, ""}.
// nullopt for a key that is not name[sub]...: empty name, unclosed '[', text after a ']'.
std::optional<std::vector<std::string>> splitFormKey(const std::string& key);

// The tree of every pair: the root's children are the top-level names. A key written twice
// keeps its last value, except a[] which appends an element each time. Keys splitFormKey
// rejects are left out and listed in `malformed`.
FormNode formTree(const std::vector<FormPair>& pairs, std::vector<std::string>* malformed);

}  // namespace sluice
