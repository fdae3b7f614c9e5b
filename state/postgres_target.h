// Where the PostgreSQL state store connects, and as whom: parsed from the state URL.
#pragma once

#include <string>

namespace sluice {

// From "postgresql://user[:password]@host[:port]/db[?params]". params: password_file=PATH,
// pool=N (connections, default 6), connect_timeout=S, sslmode=MODE. The password comes from
// password_file, else SLUICE_PG_PASSWORD, else PGPASSWORD, else the URL (discouraged: it
// would sit in the config file).
struct PostgresTarget {
  std::string host = "localhost";
  int port = 5432;
  std::string database;
  std::string user;
  std::string password;  // never printed
  std::string sslmode;
  int pool = 6;
  int connectTimeoutS = 5;

  // "host:port/db as user" for messages: never the password.
  std::string describe() const;
  // libpq's keyword=value connection string (with the password).
  std::string connectionString() const;
};

// Parses the URL, reading the password file or environment. Throws
// StateError naming what is wrong (never the password).
PostgresTarget parsePostgresUrl(const std::string& url);

}  // namespace sluice
