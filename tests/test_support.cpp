#include "test_support.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <csignal>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <stdexcept>
#include "Poco/DeflatingStream.h"

extern char** environ;

namespace fs = std::filesystem;

namespace sluice::test {

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "sluice-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string fakeConnectionsYaml(const std::string& stripeUrl, const std::string& ghlUrl,
                                const std::string& locationId, const std::string& options) {
  return "connections:\n"
         "  stripe: { app: stripe, api_key: \"${K}\", base_url: " +
         stripeUrl + options +
         " }\n"
         "  ghl: { app: ghl, token: \"${T}\", location_id: " +
         locationId + ", base_url: " + ghlUrl + options + " }\n";
}

std::string customerToContactFlowYaml(const std::string& name, const std::string& with) {
  return "  - name: " + name +
         "\n"
         "    trigger: { op: stripe.customers.new_customer, connection: stripe, every: 1s }\n"
         "    steps:\n"
         "      - op: ghl.contacts.upsert_contact\n"
         "        connection: ghl\n"
         "        with: { " +
         with + " }\n";
}

std::string TempDir::write(const std::string& relative, const std::string& text) const {
  const fs::path full = fs::path(path_) / relative;
  fs::create_directories(full.parent_path());
  std::ofstream(full) << text;
  return full.string();
}

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

namespace {
// The variable an "K=V" entry sets: "K=".
std::string envName(const std::string& entry) {
  return entry.substr(0, entry.find('=') + 1);
}

// Starts sluice with stdout and stderr to files, or stdout to outFd when it is one.
pid_t spawn(const std::vector<std::string>& args, const std::vector<std::string>& env,
            const std::string& outPath, const std::string& errPath, int outFd = -1) {
  std::vector<std::string> argvStore = {SLUICE_BINARY};
  argvStore.insert(argvStore.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argvStore) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> envStore;
  // An entry of env replaces the inherited variable of its name (getenv finds the first).
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e;
    const bool replaced = std::any_of(env.begin(), env.end(), [&](const std::string& mine) {
      return envName(mine) == envName(entry);
    });
    if (!replaced) envStore.push_back(entry);
  }
  envStore.insert(envStore.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (auto& e : envStore) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (outFd >= 0)
    posix_spawn_file_actions_adddup2(&actions, outFd, 1);
  else
    posix_spawn_file_actions_addopen(&actions, 1, outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
  posix_spawn_file_actions_addopen(&actions, 2, errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data()) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}
}  // namespace

CommandResult runSluice(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  TempDir tmp;
  const std::string outPath = tmp.path() + "/out", errPath = tmp.path() + "/err";
  CommandResult result;
  const pid_t pid = spawn(args, env, outPath, errPath);
  if (pid > 0) {
    int status = 0;
    waitpid(pid, &status, 0);
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  result.out = readFile(outPath);
  result.err = readFile(errPath);
  return result;
}

CommandResult runSluiceOnTerminal(const std::vector<std::string>& args, unsigned short columns,
                                  const std::vector<std::string>& env) {
  CommandResult result;
  const int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) return result;
  const int slave = grantpt(master) == 0 && unlockpt(master) == 0
                        ? ::open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC)
                        : -1;
  if (slave < 0) {
    ::close(master);
    return result;
  }
  winsize size{};
  size.ws_col = columns;
  size.ws_row = 50;
  ::ioctl(slave, TIOCSWINSZ, &size);
  termios mode{};
  tcgetattr(slave, &mode);
  mode.c_oflag &= ~OPOST;  // "\n" stays "\n" (no "\r\n")
  tcsetattr(slave, TCSANOW, &mode);
  TempDir tmp;
  const pid_t pid = spawn(args, env, "", tmp.path() + "/err", slave);
  ::close(slave);
  // Read while it writes (a full terminal would block it); EIO once it has closed its end.
  char buffer[4096];
  for (ssize_t n; (n = ::read(master, buffer, sizeof buffer)) > 0;) result.out.append(buffer, n);
  ::close(master);
  if (pid > 0) {
    int status = 0;
    waitpid(pid, &status, 0);
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  result.err = readFile(tmp.path() + "/err");
  return result;
}

SluiceProcess::SluiceProcess(const std::vector<std::string>& args,
                             const std::vector<std::string>& env) {
  pid_ = spawn(args, env, dir_.path() + "/out", dir_.path() + "/err");
  if (pid_ < 0) throw std::runtime_error("cannot start sluice");
}

SluiceProcess::~SluiceProcess() {
  if (exitCode_ < 0 && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

void SluiceProcess::signal(int sig) const {
  ::kill(pid_, sig);
}

int SluiceProcess::wait(int timeoutMs) {
  if (exitCode_ >= 0) return exitCode_;
  for (int waited = 0; waited <= timeoutMs; waited += 10) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exitCode_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exitCode_;
    }
    usleep(10 * 1000);
  }
  return -1;
}

bool SluiceProcess::waitForOutput(const std::string& text, int timeoutMs) const {
  for (int waited = 0; waited <= timeoutMs; waited += 20) {
    if (output().find(text) != std::string::npos) return true;
    usleep(20 * 1000);
  }
  return false;
}

std::string SluiceProcess::output() const {
  return readFile(dir_.path() + "/out") + readFile(dir_.path() + "/err");
}

std::string catalogRoot() {
  return std::string(SLUICE_SOURCE_DIR) + "/apps";
}
std::string specsRoot() {
  return SLUICE_SHARED_DIR "/specs";
}

std::string gzip(const std::string& text) {
  std::ostringstream out;
  Poco::DeflatingOutputStream deflater(out, Poco::DeflatingStreamBuf::STREAM_GZIP);
  deflater << text;
  deflater.close();
  return out.str();
}

}  // namespace sluice::test
