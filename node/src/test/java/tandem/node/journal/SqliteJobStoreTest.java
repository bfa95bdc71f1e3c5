package tandem.node.journal;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;

/** The store's contract on a SQLite file in WAL mode, the default journal. */
class SqliteJobStoreTest extends JobStoreTest {
  private Path dir;

  @Override
  String[] emptyStore() throws Exception {
    dir = Files.createTempDirectory("journal");
    return new String[] {"jdbc:sqlite:" + dir.resolve("journal.db"), "", ""};
  }

  @AfterEach
  void deleteFiles() throws Exception {
    closeStores();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
