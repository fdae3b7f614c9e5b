// The state URL of the PostgreSQL store: libpq reads the URI itself (user, password, host,
// port, database, sslmode, connect_timeout, percent-escapes, [IPv6] hosts); sluice takes its own
// parameters (pool, password_file) out of the query first and checks what libpq leaves to the
// connection attempt (a port out of range, a missing database).
#include <Poco/URI.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "core/error.h"
#include "core/text.h"
#include "state/postgres_target.h"

namespace sluice {

namespace {

// A libpq connection-string value: single-quoted, with \ and ' escaped.
std::string quoteValue(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

int numberParam(const std::string& name, const std::string& value, int low, int high) {
  if (value.empty() || value.size() > 6 ||
      value.find_first_not_of("0123456789") != std::string::npos || std::stoi(value) < low ||
      std::stoi(value) > high)
    throw StateError("state: PostgreSQL URL parameter " + name + " must be a number from " +
                     std::to_string(low) + " to " + std::to_string(high));
  return std::stoi(value);
}

// Splits the query: sluice's own parameters out, libpq's kept in the URI.
std::string takeOwnParams(const std::string& url, std::map<std::string, std::string>& own) {
  const auto q = url.find('?');
  if (q == std::string::npos) return url;
  std::string kept;
  std::stringstream params(url.substr(q + 1));
  for (std::string param; std::getline(params, param, '&');) {
    if (param.empty()) continue;
    const std::string name = param.substr(0, param.find('='));
    if (name == "pool" || name == "password_file") {
      std::string value;
      if (param.size() > name.size()) Poco::URI::decode(param.substr(name.size() + 1), value);
      own[name] = value;
    } else if (name == "connect_timeout" || name == "sslmode") {
      kept += (kept.empty() ? "?" : "&") + param;
    } else {
      throw StateError("state: unknown PostgreSQL URL parameter '" + name +
                       "' (known: password_file, pool, connect_timeout, sslmode)");
    }
  }
  return url.substr(0, q) + kept;
}

std::map<std::string, std::string> libpqFields(const std::string& uri) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(uri.c_str(), &error);
  if (!options) {
    // libpq's message may quote the URL, password included: not passed on.
    if (error) PQfreemem(error);
    throw StateError("state: not a PostgreSQL URL (postgresql://user@host:port/db?...)");
  }
  std::map<std::string, std::string> fields;
  for (PQconninfoOption* o = options; o->keyword; ++o)
    if (o->val && *o->val) fields[o->keyword] = o->val;
  PQconninfoFree(options);
  return fields;
}

std::string readPassword(const std::string& passwordFile, const std::string& fromUrl) {
  if (!passwordFile.empty()) {
    std::ifstream in(passwordFile);
    if (!in) throw StateError("state: cannot read the PostgreSQL password file " + passwordFile);
    std::string password;
    std::getline(in, password);
    while (!password.empty() && (password.back() == '\r' || password.back() == ' '))
      password.pop_back();
    return password;
  }
  if (const char* v = std::getenv("SLUICE_PG_PASSWORD"); v && *v) return v;
  if (const char* v = std::getenv("PGPASSWORD"); v && *v) return v;
  return fromUrl;
}

}  // namespace

PostgresTarget parsePostgresUrl(const std::string& url) {
  if (!startsWith(url, "postgresql://") && !startsWith(url, "postgres://"))
    throw StateError("state: a PostgreSQL URL starts with postgresql://");
  std::map<std::string, std::string> own;
  auto fields = libpqFields(takeOwnParams(url, own));
  PostgresTarget t;
  if (fields["dbname"].empty())
    throw StateError(
        "state: no database name in the PostgreSQL URL (postgresql://user@host:port/db)");
  t.database = fields["dbname"];
  t.user = fields["user"];
  if (!fields["host"].empty()) t.host = fields["host"];
  if (!fields["port"].empty()) {
    const std::string& port = fields["port"];
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(port) < 1 || std::stoi(port) > 65535)
      throw StateError("state: bad port '" + port + "' in the PostgreSQL URL");
    t.port = std::stoi(port);
  }
  t.sslmode = fields["sslmode"];
  if (!fields["connect_timeout"].empty())
    t.connectTimeoutS = numberParam("connect_timeout", fields["connect_timeout"], 1, 300);
  if (own.count("pool")) t.pool = numberParam("pool", own["pool"], 1, 64);
  t.password = readPassword(own["password_file"], fields["password"]);
  return t;
}

std::string PostgresTarget::describe() const {
  return "PostgreSQL " + host + ":" + std::to_string(port) + "/" + database + " as user " +
         (user.empty() ? "(default)" : user);
}

std::string PostgresTarget::connectionString() const {
  std::string s = "host=" + quoteValue(host) + " port=" + std::to_string(port) +
                  " dbname=" + quoteValue(database) +
                  " connect_timeout=" + std::to_string(connectTimeoutS) +
                  " application_name='sluice'";
  if (!user.empty()) s += " user=" + quoteValue(user);
  if (!password.empty()) s += " password=" + quoteValue(password);
  if (!sslmode.empty()) s += " sslmode=" + quoteValue(sslmode);
  return s;
}

}  // namespace sluice
