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
int opsCallCommand(const std::vector<std::string>& args, Io io);
int checkCommand(const std::vector<std::string>& args, Io io);
int runCommand(const std::vector<std::string>& args, Io io);
int testCommand(const std::vector<std::string>& args, Io io);
int statusCommand(const std::vector<std::string>& args, Io io);
int historyCommand(const std::vector<std::string>& args, Io io);
int dlqCommand(const std::vector<std::string>& args, Io io);
int cursorCommand(const std::vector<std::string>& args, Io io);
int flowCommand(const std::vector<std::string>& args, Io io);
int connectCommand(const std::vector<std::string>& args, Io io);
int migrateCommand(const std::vector<std::string>& args, Io io);
int tenantsCommand(const std::vector<std::string>& args, Io io);

}  // namespace sluice::cli
