// yaml-cpp's parser events, made by libyaml. libyaml's scanner reads a config file of flows
// about eight times faster than yaml-cpp 0.7's (35 against 275 ms for the 3 MB file of 10,000
// flows), which was half of the start-up. yaml-cpp stays the reader of record: a text libyaml
// refuses, or reads in a way yaml-cpp would not, is read by yaml-cpp, which reports its
// mistakes as before (core/yaml_reader.cpp).
#pragma once

#include <yaml-cpp/eventhandler.h>

#include <string_view>

namespace sluice {

// Sends the events of the text's first document to handler, as yaml-cpp's parser would send
// them: its marks (bytes, not characters), "?" for an untagged plain scalar and "!" for an
// untagged quoted one, a plain null word or a left-out value as a null, anchors as numbers
// from 1. Without a handler it only reads. False when libyaml stops on a fault anywhere in the
// text, an alias names an anchor not seen before, or the text has what the two readers read
// differently (see the .cpp); the handler may then have been sent part of the document.
bool readLibyamlEvents(std::string_view text, YAML::EventHandler* handler);

}  // namespace sluice
