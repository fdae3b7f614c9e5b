// Helpers shared by the tests: temporary folders, files, running the sluice binary.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "core/http.h"

namespace sluice::test {

// Answers every request with one fixed response and keeps what was sent (thread-safe).
class RecordingTransport : public HttpTransport {
 public:
  explicit RecordingTransport(std::string body, int status = 200)
      : status_(status), body_(std::move(body)) {}
  HttpResponse send(const HttpRequest& request) override {
    std::lock_guard<std::mutex> lock(mutex_);
    sent.push_back(request);
    return HttpResponse{status_, {}, body_};
  }
  std::vector<HttpRequest> sent;

 private:
  int status_;
  std::string body_;
  std::mutex mutex_;
};

// text, gzip-compressed (for responses with Content-Encoding: gzip).
std::string gzip(const std::string& text);

// A fresh folder under /tmp, removed with everything in it when the object goes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // Writes text to path()/relative (creating folders) and returns the full path.
  std::string write(const std::string& relative, const std::string& text) const;

 private:
  std::string path_;
};

struct CommandResult {
  int exitCode = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs the sluice binary with args (no shell), with extra environment entries "K=V".
CommandResult runSluice(const std::vector<std::string>& args,
                        const std::vector<std::string>& env = {});

// Runs the sluice binary with its standard output on a pseudo-terminal `columns` wide (as a
// person at a terminal would); out is what it printed there.
CommandResult runSluiceOnTerminal(const std::vector<std::string>& args, unsigned short columns,
                                  const std::vector<std::string>& env = {});

std::string readFile(const std::string& path);

// The `connections:` block of a file whose Stripe and GHL are the fakes at these URLs, with
// their secrets as ${K} and ${T}; `options` (", timeout: 5s") goes into both connections.
std::string fakeConnectionsYaml(const std::string& stripeUrl, const std::string& ghlUrl,
                                const std::string& locationId, const std::string& options = "");
// A `flows:` entry that upserts each new Stripe customer as a GHL contact, polled every second.
std::string customerToContactFlowYaml(const std::string& name,
                                      const std::string& with = "email: \"{{trigger.email}}\"");

// A sluice process running in the background, for signal and crash tests. Its output goes to
// files in a private folder. The destructor kills it (SIGKILL) if it still runs.
class SluiceProcess {
 public:
  SluiceProcess(const std::vector<std::string>& args, const std::vector<std::string>& env = {});
  ~SluiceProcess();
  SluiceProcess(const SluiceProcess&) = delete;
  SluiceProcess& operator=(const SluiceProcess&) = delete;

  int pid() const { return pid_; }
  void signal(int sig) const;
  // Waits up to timeoutMs for the exit; returns the exit code (128+signal), or -1 on timeout.
  int wait(int timeoutMs);
  // Waits up to timeoutMs until the combined output contains text.
  bool waitForOutput(const std::string& text, int timeoutMs) const;
  std::string output() const;  // stdout + stderr so far

 private:
  TempDir dir_;
  int pid_ = -1;
  int exitCode_ = -1;
};

// The repository's catalog folder and the shared specs folder.
std::string catalogRoot();
std::string specsRoot();

}  // namespace sluice::test
