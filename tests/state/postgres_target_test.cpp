// state/postgres_target.cpp: the URL forms users write, read by libpq plus sluice's own parameters.
#include <gtest/gtest.h>

#include "core/error.h"
#include "state/postgres_target.h"

namespace sluice {
namespace postgres_target_test {

TEST(PostgresUrl, ReadsEscapesIpv6HostsAndOwnParameters) {
  const PostgresTarget t = parsePostgresUrl(
      "postgres://sl%40uice:p%3Ass@[::1]:6000/my%20db?sslmode=require&pool=2&connect_timeout=9");
  EXPECT_EQ(t.user, "sl@uice");
  EXPECT_EQ(t.host, "::1");
  EXPECT_EQ(t.port, 6000);
  EXPECT_EQ(t.database, "my db");
  EXPECT_EQ(t.sslmode, "require");
  EXPECT_EQ(t.pool, 2);
  EXPECT_EQ(t.connectTimeoutS, 9);
  if (!std::getenv("SLUICE_PG_PASSWORD") && !std::getenv("PGPASSWORD")) {
    EXPECT_EQ(t.password, "p:ss");
  }
}

TEST(PostgresUrl, RejectsWhatLibpqWouldOnlyFindAtConnectTimeWithoutThePassword) {
  for (const char* url :
       {"mysql://u@h/db", "postgresql://u@h/db?pool=0", "postgresql://u@h/db?color=blue",
        "postgresql://u:Secret-9@h:0/db", "postgresql://u:Secret-9@h/db?connect_timeout=x"}) {
    try {
      parsePostgresUrl(url);
      ADD_FAILURE() << url;
    } catch (const StateError& e) {
      EXPECT_EQ(std::string(e.what()).find("Secret-9"), std::string::npos) << e.what();
    }
  }
}

}  // namespace postgres_target_test
}  // namespace sluice
