// The sluice verbs. Each takes its arguments after the verb and returns an exit code; errors
// are thrown as sluice::Error families and mapped to exit codes by main().
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace sluice::cli {

struct Io {
  std::ostream& out;
  std::ostream& err;
};

int opsCommand(const std::vector<std::string>& args, Io io);
int catalogCommand(const std::vector<std::string>& args, Io io);

}  // namespace sluice::cli
