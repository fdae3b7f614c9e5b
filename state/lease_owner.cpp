#include "state/lease_owner.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <random>

namespace sluice {
namespace {

std::string hostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

}  // namespace

std::string makeLeaseOwner() {
  std::random_device rd;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(rd()));
  return hostName() + ":" + std::to_string(::getpid()) + ":" + suffix;
}

bool leaseOwnerGoneHere(const std::string& owner) {
  const auto last = owner.rfind(':');
  if (last == std::string::npos || last == 0) return false;
  const auto middle = owner.rfind(':', last - 1);
  if (middle == std::string::npos) return false;
  if (owner.compare(0, middle, hostName()) != 0 || middle != hostName().size()) return false;
  const std::string pidText = owner.substr(middle + 1, last - middle - 1);
  if (pidText.empty() || pidText.size() > 9 ||
      pidText.find_first_not_of("0123456789") != std::string::npos)
    return false;
  const pid_t pid = static_cast<pid_t>(std::stol(pidText));
  if (pid <= 0) return false;
  if (pid == ::getpid()) return false;  // this process, under another owner id: alive
  return ::kill(pid, 0) != 0 && errno == ESRCH;
}

}  // namespace sluice
