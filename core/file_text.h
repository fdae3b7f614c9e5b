// Reading a whole file into memory: configs, catalog files, specs, secret files.
#pragma once

#include <optional>
#include <string>

namespace sluice {

// The file's bytes; nullopt when it cannot be opened. A regular file is read at its size in
// one call (a 30 MB config through a stringstream took 180-300 ms here, at its size 107 ms);
// a file without a size (a pipe, /dev/stdin) is streamed.
std::optional<std::string> readFileText(const std::string& path);

// A secret kept in a file (a token, a key): its text without trailing white space, since
// `echo secret > file` ends it with a newline. nullopt when it cannot be opened.
std::optional<std::string> readSecretFileText(const std::string& path);

}  // namespace sluice
