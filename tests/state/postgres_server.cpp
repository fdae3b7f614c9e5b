#include "state/postgres_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <sstream>
#include <vector>

extern char** environ;

namespace sluice::test {
namespace {

namespace fs = std::filesystem;

int freeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

// Runs argv (as user when not empty, through runuser) with output to log; the exit code.
int run(const std::vector<std::string>& command, const std::string& user, const std::string& log) {
  std::vector<std::string> args;
  if (!user.empty()) args = {"/usr/sbin/runuser", "-u", user, "--"};
  args.insert(args.end(), command.begin(), command.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addchdir_np(&actions, "/tmp");  // a folder nobody may enter
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string tail(const std::string& path) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text.size() > 1500 ? text.substr(text.size() - 1500) : text;
}

std::unique_ptr<PostgresServer>& slot() {
  static std::unique_ptr<PostgresServer> server;
  return server;
}

}  // namespace

PostgresServer* PostgresServer::get(std::string* whyNot) {
  static std::once_flag once;
  static std::string failure;
  std::call_once(once, [] {
    std::unique_ptr<PostgresServer> s(new PostgresServer());
    if (s->launch(&failure)) slot() = std::move(s);
    // Stopped when the test binary exits (static destruction), also after a failed assertion.
  });
  if (!slot() && whyNot) *whyNot = failure;
  return slot().get();
}

bool PostgresServer::launch(std::string* error) {
  const char* override = std::getenv("SLUICE_PG_BIN");
  bin_ = override ? override : "/usr/lib/postgresql/15/bin";
  for (const char* tool : {"initdb", "pg_ctl", "postgres"}) {
    if (::access((bin_ + "/" + tool).c_str(), X_OK) != 0) {
      *error = "PostgreSQL 15 is not installed (" + bin_ + "/" + tool +
               " missing; scripts/setup.sh installs the postgresql package)";
      return false;
    }
  }
  char pattern[] = "/tmp/sluice-pg-XXXXXX";
  if (!::mkdtemp(pattern)) {
    *error = "cannot create a temporary folder";
    return false;
  }
  dir_ = pattern;
  if (::geteuid() == 0) {
    // PostgreSQL refuses to run as root: the server runs as nobody, in a folder it owns.
    const passwd* pw = ::getpwnam("nobody");
    if (!pw || ::access("/usr/sbin/runuser", X_OK) != 0) {
      *error = "running as root, and there is no 'nobody' user or runuser to start PostgreSQL as";
      return false;
    }
    runAs_ = "nobody";
    if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      *error = "cannot hand " + dir_ + " to nobody";
      return false;
    }
  }
  ::chmod(dir_.c_str(), 0700);
  // The superuser's password: for initdb (readable by the server's user) and for the clients.
  const std::string initPw = dir_ + "/initpw";
  std::ofstream(initPw) << password_ << "\n";
  ::chmod(initPw.c_str(), 0644);
  passwordFile_ = dir_ + ".password";
  std::ofstream(passwordFile_) << password_ << "\n";
  ::chmod(passwordFile_.c_str(), 0600);

  const std::string log = dir_ + ".log";
  if (run({bin_ + "/initdb", "-D", dir_ + "/data", "-U", "sluice", "--pwfile=" + initPw,
           "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--locale=C.UTF-8",
           "--no-sync"},
          runAs_, log) != 0) {
    *error = "initdb failed: " + tail(log);
    return false;
  }
  port_ = freeLoopbackPort();
  return launchServer(error);
}

bool PostgresServer::launchServer(std::string* error) {
  return start(error);
}

bool PostgresServer::pgctl(const std::string& action, std::string* error) {
  const std::string log = dir_ + ".log";
  std::vector<std::string> command = {bin_ + "/pg_ctl", "-D", dir_ + "/data", "-w", "-t", "60"};
  if (action == "start" || action == "restart") {
    command.push_back("-l");
    command.push_back(dir_ + "/server.log");
    command.push_back("-o");
    // Loopback only, a socket folder the server may write, durability off (tests only).
    command.push_back("-c listen_addresses=127.0.0.1 -p " + std::to_string(port_) +
                      " -c unix_socket_directories=" + dir_ +
                      " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                      " -c max_connections=200");
  }
  if (action == "stop" || action == "restart") {
    command.push_back("-m");
    command.push_back("fast");
  }
  command.push_back(action);
  const int rc = run(command, runAs_, log);
  if (rc != 0 && error) *error = "pg_ctl " + action + " failed: " + tail(dir_ + "/server.log");
  return rc == 0;
}

bool PostgresServer::start(std::string* error) {
  return pgctl("start", error);
}
bool PostgresServer::stop(std::string* error) {
  return pgctl("stop", error);
}
bool PostgresServer::restart(std::string* error) {
  return pgctl("restart", error);
}

PostgresServer::~PostgresServer() {
  if (!dir_.empty()) {
    const std::string log = dir_ + ".log";
    run({bin_ + "/pg_ctl", "-D", dir_ + "/data", "-m", "immediate", "-w", "stop"}, runAs_, log);
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
    fs::remove(dir_ + ".log", ignored);
    fs::remove(passwordFile_, ignored);
  }
}

std::string PostgresServer::url(const std::string& database) const {
  return "postgresql://sluice@127.0.0.1:" + std::to_string(port_) + "/" + database +
         "?password_file=" + passwordFile_;
}

std::string PostgresServer::databaseOf(const std::string& url) {
  const auto slash = url.find('/', url.find('@'));
  return url.substr(slash + 1, url.find('?') - slash - 1);
}

void PostgresServer::exec(const std::string& url, const std::string& sql) const {
  const std::string database = databaseOf(url);
  pqxx::connection c("host=127.0.0.1 port=" + std::to_string(port_) + " dbname=" + database +
                     " user=sluice password=" + password_);
  pqxx::work tx(c);
  tx.exec(sql);
  tx.commit();
}

std::string PostgresServer::createDatabase(const std::string& prefix) {
  std::string name = prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(++databases_);
  for (auto& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  pqxx::connection c("host=127.0.0.1 port=" + std::to_string(port_) +
                     " dbname=postgres user=sluice password=" + password_);
  pqxx::nontransaction(c).exec("CREATE DATABASE " + name);
  return url(name);
}

}  // namespace sluice::test
