// Small ASCII text helpers shared across the code base. ASCII-only on purpose: header names,
// URL schemes and status words are tokens, and locale-dependent tolower would make their
// handling depend on the process environment.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

inline bool startsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// Without leading and trailing ASCII white space (space, tab, CR, LF, FF, VT).
inline std::string trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  const auto b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return "";
  return std::string(s.substr(b, s.find_last_not_of(kSpace) - b + 1));
}

// The value of one hex digit (either case), -1 for any other character.
inline int hexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Hex text to bytes; nullopt for an odd length or a character that is not a hex digit.
std::optional<std::string> hexDecode(std::string_view hex);

inline char foldAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string lowerAscii(std::string s) {
  for (char& c : s) c = foldAscii(c);
  return s;
}

inline bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (foldAscii(a[i]) != foldAscii(b[i])) return false;
  return true;
}

// Edit distance: insertions, deletions, substitutions and swaps of neighbours to turn a into b.
std::size_t editDistance(std::string_view a, std::string_view b);

// The candidate closest to word, for a "did you mean ...?": close enough to be a typo (at most
// a third of the word's length, at least 1, and not the word itself), else "".
std::string closestMatch(std::string_view word, const std::vector<std::string>& candidates);
// " (did you mean 'x'?)" when a candidate is close to word, else "".
std::string didYouMean(std::string_view word, const std::vector<std::string>& candidates);

// "1 flow", "3 flows": a count with its noun (one that takes an s in the plural).
inline std::string counted(std::size_t n, std::string_view noun) {
  return std::to_string(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

// "a, b, c": for messages that list what is allowed.
std::string joined(const std::vector<std::string>& items, std::string_view separator = ", ");
// "a.b.c" -> {a, b, c}; empty parts are dropped.
std::vector<std::string> splitPath(std::string_view path, char separator = '.');

}  // namespace sluice
