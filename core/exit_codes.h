// Exit codes by name, from sysexits(3), as Poco's Application::EXIT_* does.
#pragma once

namespace sluice {

enum ExitCode : int {
  EXIT_OK = 0,
  EXIT_FAILURE_ = 1,      // a check found problems (e.g. `sluice catalog check`)
  EXIT_USAGE = 64,        // bad command line
  EXIT_DATAERR = 65,      // bad input data
  EXIT_UNAVAILABLE = 69,  // a service (API, database) is unavailable
  EXIT_SOFTWARE = 70,     // internal error
  EXIT_CONFIG = 78,       // configuration or catalog error
};

}  // namespace sluice
