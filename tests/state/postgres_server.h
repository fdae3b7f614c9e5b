// A real PostgreSQL 15 for the tests, from Debian's packages: initdb into a temporary folder and
// pg_ctl start on a free loopback port, as an unprivileged user (PostgreSQL refuses to run as
// root; as root the tests use `nobody` through runuser). Started once per test binary on first
// use, stopped and removed at exit. Without the server binaries the tests that need it are
// skipped with a message saying so, never passed.
#pragma once

#include <string>

namespace sluice::test {

class PostgresServer {
 public:
  // The shared server, started on first call; nullptr (and why in *whyNot) when PostgreSQL is
  // not installed or would not start.
  static PostgresServer* get(std::string* whyNot);

  int port() const { return port_; }
  const std::string& passwordFile() const { return passwordFile_; }
  const std::string& password() const { return password_; }
  // A new, empty database and the state URL that reaches it (password from the file).
  std::string createDatabase(const std::string& prefix);
  std::string url(const std::string& database) const;
  // The database name in a url().
  static std::string databaseOf(const std::string& url);
  // Runs sql as the superuser in the database a url() names.
  void exec(const std::string& url, const std::string& sql) const;

  // Restarts the server (pg_ctl restart -m fast): every connection is cut.
  bool restart(std::string* error = nullptr);
  bool stop(std::string* error = nullptr);
  bool start(std::string* error = nullptr);

  ~PostgresServer();

 private:
  PostgresServer() = default;
  bool launch(std::string* error);
  bool launchServer(std::string* error);
  bool pgctl(const std::string& action, std::string* error);

  std::string bin_;    // /usr/lib/postgresql/15/bin
  std::string dir_;    // the temporary folder (owned by the unprivileged user)
  std::string runAs_;  // "" or the user root runs the server as
  std::string passwordFile_;
  std::string password_ = "sluice-test-Pw-7f3k";
  int port_ = 0;
  int databases_ = 0;
};

// In a test: skips it, with the reason, when there is no PostgreSQL to run against.
#define SLUICE_REQUIRE_POSTGRES(server)                                                          \
  std::string sluicePgWhyNot;                                                                    \
  ::sluice::test::PostgresServer* server = ::sluice::test::PostgresServer::get(&sluicePgWhyNot); \
  if (!server) GTEST_SKIP() << "PostgreSQL tests skipped: " << sluicePgWhyNot

}  // namespace sluice::test
