// What the benchmarks share: this process's CPU and memory, and a child process for the fakes
// (forked first, before any thread, so that getrusage of this process is sluice's own CPU),
// driven by one-character commands on a pipe and answering in lines.
#pragma once

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/http.h"
#include "tools/process/spawn_logged.h"

namespace sluice::bench {

inline double cpuMs() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000.0 +
         (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1000.0;
}

inline double rssMiB() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

inline double peakRssMiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

struct Child {
  pid_t pid = -1;
  int to = -1, from = -1;
  void send(char c) const {
    if (write(to, &c, 1) != 1) throw std::runtime_error("fakes process gone");
  }
  std::string line() const {
    std::string s;
    char c;
    while (read(from, &c, 1) == 1 && c != '\n') s += c;
    return s;
  }
};

// Forks a child that runs body(in, out) with the pipe ends and exits with its result.
inline Child forkChild(const std::function<int(int in, int out)>& body) {
  int down[2], up[2];
  if (pipe(down) || pipe(up)) throw std::runtime_error("pipe failed");
  Child child;
  child.pid = fork();
  if (child.pid == 0) {
    close(down[1]);
    close(up[0]);
    _exit(body(down[0], up[1]));
  }
  close(down[0]);
  close(up[1]);
  child.to = down[1];
  child.from = up[0];
  return child;
}

inline bool writeLine(int out, const std::string& text) {
  const std::string line = text + "\n";
  return write(out, line.data(), line.size()) == static_cast<ssize_t>(line.size());
}

// Starts a program with its output (and errors) appended to log; -1 when it could not start.
inline pid_t spawn(std::vector<std::string> args, const std::string& log) {
  return process::spawnLogged(std::move(args), log);
}

// CPU milliseconds (user + system) and resident MiB of a process, from /proc.
inline double cpuMsOf(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string f;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14) utime = std::stod(f);
    if (i == 15) stime = std::stod(f);
  }
  return (utime + stime) * 1000.0 / sysconf(_SC_CLK_TCK);
}

// Resident MiB of a process now (VmRSS) and at its peak so far (VmHWM), from /proc.
inline double statusMiBOf(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) / 1024.0;
  return 0;
}
inline double rssMiBOf(pid_t pid) {
  return statusMiBOf(pid, "VmRSS");
}
inline double peakRssMiBOf(pid_t pid) {
  return statusMiBOf(pid, "VmHWM");
}

// The sum of a counter's series in a /metrics text.
inline double counterSum(const std::string& metrics, const std::string& name) {
  double sum = 0;
  std::istringstream in(metrics);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(name + "{", 0) == 0 || line.rfind(name + " ", 0) == 0)
      sum += std::stod(line.substr(line.rfind(' ') + 1));
  return sum;
}

// A /metrics scrape of the admin server at address (host:port).
inline std::string scrape(HttpTransport& http, const std::string& address) {
  HttpRequest req;
  req.method = "GET";
  req.url = "http://" + address + "/metrics";
  req.timeoutMs = 10000;
  return http.send(req).body;
}

}  // namespace sluice::bench
