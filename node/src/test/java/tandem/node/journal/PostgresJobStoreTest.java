package tandem.node.journal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * The store's contract on a real PostgreSQL server: the one .ci/run starts on loopback, named by
 * TANDEM_TEST_POSTGRES_URL (and _USER, _PASSWORD). Skipped where no server is given.
 */
class PostgresJobStoreTest extends JobStoreTest {
  static String[] server() {
    String url = System.getenv("TANDEM_TEST_POSTGRES_URL");
    assumeTrue(url != null && !url.isBlank(), "no PostgreSQL server given (TANDEM_TEST_POSTGRES_URL; .ci/run starts one)");
    String user = System.getenv().getOrDefault("TANDEM_TEST_POSTGRES_USER", "");
    String password = System.getenv().getOrDefault("TANDEM_TEST_POSTGRES_PASSWORD", "");
    return new String[] {url, user, password};
  }

  @Override
  String[] emptyStore() throws Exception {
    String[] server = server();
    try (Connection c = DriverManager.getConnection(server[0], server[1], server[2]); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS tandem_jobs");
      s.execute("DROP TABLE IF EXISTS tandem_probe");
    }
    return server;
  }
}
