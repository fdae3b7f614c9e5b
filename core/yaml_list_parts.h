// Reading the items of one long list of the root map (a generated file's `flows:`) in parts,
// each on a thread of its own, so that a file of 100,000 flows is read on every core.
//
// The text is cut only before a line that starts an item of that list at the list's own
// indentation, and only when the list runs to the end of the file. Read whole, yaml-cpp is then
// between two items there too: a line at that indentation ends any block or plain scalar of the
// item before it, and a { } or [ ] left open across the cut leaves the part before it
// unfinished, which fails to read. A quoted scalar left open does not fail (yaml-cpp closes it
// at the end of the text), so a text with a line that leaves one open is not cut at all. A part
// after the first is read in place as a list of its own, its line numbers those of the file.
// Whatever fails in any part (a syntax error, an alias to an anchor of another part) makes the
// caller read the text whole, which then reports it exactly as before.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/yaml_node.h"
#include "core/yaml_reader.h"

namespace sluice {

// Bytes [begin, end) of the text; firstLine is the line begin is on (0-based).
struct YamlTextPart {
  size_t begin = 0;
  size_t end = 0;
  int firstLine = 0;
};

// The parts to read the text in, in file order: at most `parts`, none under minBytes; one part
// (the whole text) when it cannot be cut safely or is too short.
std::vector<YamlTextPart> cutStreamedList(const std::string& text, const std::string& key,
                                          size_t parts, size_t minBytes);

// Where the list under key starts, when it could be cut (a block list that runs to the end of
// the text; one item is enough): its first item's offset and line, and the text before it
// holds every other key of the root. Nothing otherwise.
std::optional<YamlTextPart> streamedListStart(const std::string& text, const std::string& key);

// Reads every part at once, the first on the calling thread and each other one on a thread of
// its own; the items of the list under key go to onItem(part, item) on their part's thread, in
// file order within the part. The root of the first part (the file's root, the list left
// empty), or nothing when any part failed; then what onItem was given is to be thrown away.
std::optional<YamlNode> readListParts(
    const std::string& text, const std::string& file, YamlDomain domain, const std::string& key,
    const std::vector<YamlTextPart>& parts,
    const std::function<void(size_t part, const YamlNode& item)>& onItem);

}  // namespace sluice
