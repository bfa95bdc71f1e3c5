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

  @org.junit.jupiter.api.Test
  @org.junit.jupiter.api.DisplayName("a write-ahead log torn mid-write (a node killed while it wrote) opens with every whole transaction before it")
  void aTornTailIsDroppedAndTheRestKept() throws Exception {
    JobStore writer = store();
    for (int i = 0; i < 50; i++) {
      String id = "t-" + i;
      writer.transaction(java.util.List.of((s, c) -> s.insert(c, new JobStore.Accepted(id, "n#1", "square", "queued",
          new byte[300], null, 1))));
    }
    // As a process killed mid-write leaves them: the file and its log, the log cut inside its last frame.
    Path copy = Files.createDirectories(dir.resolve("copy"));
    Files.copy(dir.resolve("journal.db"), copy.resolve("journal.db"));
    byte[] wal = Files.readAllBytes(dir.resolve("journal.db-wal"));
    org.junit.jupiter.api.Assertions.assertTrue(wal.length > 4096, "the writes are in the log, not yet in the file");
    Files.write(copy.resolve("journal.db-wal"), java.util.Arrays.copyOf(wal, wal.length - 1000));
    try (JobStore reopened = new JobStore("jdbc:sqlite:" + copy.resolve("journal.db"), "", "")) {
      org.junit.jupiter.api.Assertions.assertNull(reopened.createSchema(), "sound after SQLite dropped the torn end");
      long kept = reopened.count();
      org.junit.jupiter.api.Assertions.assertTrue(kept >= 40 && kept < 50, "whole transactions kept: " + kept);
      org.junit.jupiter.api.Assertions.assertTrue(reopened.find("t-" + (kept - 1)).isPresent());
      reopened.transaction(java.util.List.of((s, c) -> s.insert(c, new JobStore.Accepted("after", "n#2", "square", "queued",
          null, null, 2))));
      org.junit.jupiter.api.Assertions.assertTrue(reopened.find("after").isPresent(), "and it takes writes");
    }
  }

  @AfterEach
  void deleteFiles() throws Exception {
    closeStores();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
