package tandem.node.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The journal's SQL on a real store: what every store must do. {@link SqliteJobStoreTest} runs it
 * on a SQLite file, as several nodes on one machine share it; {@link PostgresJobStoreTest} on the
 * PostgreSQL server .ci/run starts.
 */
abstract class JobStoreTest {
  private final List<JobStore> stores = new ArrayList<>();

  /** A new, empty store's JDBC URL, user and password. */
  abstract String[] emptyStore() throws Exception;

  private String[] where;

  @BeforeEach
  void open() throws Exception {
    where = emptyStore();
  }

  @AfterEach
  void closeStores() {
    stores.forEach(JobStore::close);
  }

  JobStore store() throws Exception {
    JobStore store = new JobStore(where[0], where[1], where[2]);
    store.createSchema();
    stores.add(store);
    return store;
  }

  private static JobStore.Accepted accepted(String id, String owner) {
    return new JobStore.Accepted(id, owner, "square", "queued", new byte[] {1, 2}, null, System.currentTimeMillis());
  }

  @Test
  void recordsAJobFromAcceptanceToItsEndByItsOwnerOnly() throws Exception {
    JobStore store = store();
    store.transaction(List.of((s, c) -> s.insert(c, accepted("a-1", "n1#1"))));
    JobStore.Row row = store.find("a-1").orElseThrow();
    assertEquals("queued", row.state());
    assertNull(row.finishedAt());
    store.transaction(List.of((s, c) -> s.finish(c, new JobStore.Finished("a-1", "n2#2", "succeeded", "{}", null, 5))));
    assertNull(store.find("a-1").orElseThrow().finishedAt(), "a node that does not own it records nothing");
    store.transaction(List.of((s, c) -> s.finish(c, new JobStore.Finished("a-1", "n1#1", "succeeded", "{\"result\":4}", new byte[] {9}, 5))));
    row = store.find("a-1").orElseThrow();
    assertEquals("succeeded", row.state());
    assertEquals("{\"result\":4}", row.record());
    assertEquals(5L, row.finishedAt());
    assertTrue(store.find("nope").isEmpty());
  }

  @Test
  @org.junit.jupiter.api.DisplayName("a job that ended before its acceptance was written is one row, as it ended; a taken-over one's row goes to its new owner")
  void aJobAcceptedAndEndedIsOneRow() throws Exception {
    JobStore store = store();
    store.transaction(List.of((s, c) -> s.insertEnded(c, List.of(new JobStore.Ended(
        new JobStore.Finished("e-1", "n1#1", "succeeded", "{\"result\":4}", new byte[] {9}, 7), "square", 3)))));
    JobStore.Row row = store.find("e-1").orElseThrow();
    assertEquals("succeeded", row.state());
    assertEquals("n1#1", row.owner());
    assertEquals("square", row.job());
    assertEquals(3L, row.submittedAt());
    assertEquals(7L, row.finishedAt());
    assertEquals("{\"result\":4}", row.record());
    assertNull(row.submission());
    assertTrue(store.orphans(Set.of(), 100).isEmpty(), "a job that ended is nobody's to take over");
    // The same id written again by a node that took the job over and ended it at once: its end wins.
    store.transaction(List.of((s, c) -> s.insert(c, accepted("e-2", "dead#1"))));
    store.transaction(List.of((s, c) -> s.insertEnded(c, List.of(new JobStore.Ended(
        new JobStore.Finished("e-2", "n1#1", "failed", "{}", null, 8), "square", 3)))));
    row = store.find("e-2").orElseThrow();
    assertEquals("failed", row.state());
    assertEquals("n1#1", row.owner());
    assertEquals(8L, row.finishedAt());
  }

  @Test
  void orphansAreTheUnfinishedJobsOfOwnersNoLongerLive() throws Exception {
    JobStore store = store();
    store.transaction(List.of(
        (s, c) -> s.insert(c, accepted("a-1", "dead#1")),
        (s, c) -> s.insert(c, accepted("a-2", "live#2")),
        (s, c) -> s.insert(c, accepted("a-3", "dead#1")),
        (s, c) -> s.finish(c, new JobStore.Finished("a-3", "dead#1", "failed", "{}", null, 1))));
    assertEquals(List.of("a-1"), store.orphans(Set.of("live#2"), 100).stream().map(JobStore.Row::id).toList());
  }

  @Test
  @org.junit.jupiter.api.DisplayName("two nodes racing to take over the same jobs: each job is claimed exactly once")
  void claimsRaceToExactlyOneWinnerEach() throws Exception {
    JobStore first = store();
    JobStore second = store(); // its own pool: as another process would have
    int jobs = 200;
    List<JobStore.Write> writes = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      String id = "j-" + i;
      writes.add((s, c) -> s.insert(c, accepted(id, "dead#1")));
    }
    first.transaction(writes);
    Map<String, String> winners = new ConcurrentHashMap<>();
    AtomicInteger doubles = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> racers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        JobStore store = t % 2 == 0 ? first : second;
        String me = "node" + t + "#" + t;
        racers.add(threads.submit(() -> {
          for (JobStore.Row row : store.orphans(Set.of(), jobs)) {
            if (store.claim(row.id(), "dead#1", me) && winners.putIfAbsent(row.id(), me) != null) {
              doubles.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> racer : racers) {
        racer.get(60, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }
    assertEquals(0, doubles.get(), "a job claimed twice");
    assertEquals(jobs, winners.size(), "every job claimed once");
    for (var won : winners.entrySet()) {
      JobStore.Row row = first.find(won.getKey()).orElseThrow();
      assertEquals(won.getValue(), row.owner());
      assertEquals(1, row.recovered());
    }
    assertFalse(first.claim("j-0", "dead#1", "late#9"), "a job already taken over is not taken again");
  }

  @Test
  void forgetsFinishedJobsBeyondTheNewestKeptAndBeforeTheTime() throws Exception {
    JobStore store = store();
    List<JobStore.Write> writes = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String id = "f-" + i;
      long at = 1000 + i;
      writes.add((s, c) -> s.insert(c, accepted(id, "n#1")));
      writes.add((s, c) -> s.finish(c, new JobStore.Finished(id, "n#1", "succeeded", "{}", null, at)));
    }
    writes.add((s, c) -> s.insert(c, accepted("running", "n#1")));
    store.transaction(writes);
    assertEquals(6, store.purge(0, 4));
    assertEquals(5, store.count(), "the newest 4 finished, and the unfinished one");
    assertEquals(2, store.purge(1008, 100));
    assertTrue(store.find("running").isPresent());
  }

  @Test
  void keepsAMapsSettledChunksWhileItRunsAndForgetsThemOnceItEnds() throws Exception {
    JobStore store = store();
    store.transaction(List.of((s, c) -> s.insert(c, accepted("m-1", "n#1")), (s, c) -> s.insertChunks(c, List.of(
        new JobStore.SettledChunk("m-1", 10, 5, new byte[] {1, 2}, null),
        new JobStore.SettledChunk("m-1", 0, 10, null, "lost 4 times")))));
    // Written twice (an owner that lost its worker retried): the first stays.
    store.transaction(List.of((s, c) -> s.insertChunks(c, List.of(new JobStore.SettledChunk("m-1", 0, 3, null, "again")))));
    List<JobStore.SettledChunk> settled = store.settledChunks("m-1");
    assertEquals(List.of(0, 10), settled.stream().map(JobStore.SettledChunk::offset).toList(), "by first element");
    assertEquals("lost 4 times", settled.get(0).error());
    assertEquals(10, settled.get(0).count());
    assertEquals(2, settled.get(1).result().length);
    store.purge(0, 100);
    assertEquals(2, store.settledChunks("m-1").size(), "kept while the map runs");
    store.transaction(List.of((s, c) -> s.finish(c, new JobStore.Finished("m-1", "n#1", "succeeded", "{}", null, 7))));
    store.purge(0, 100);
    assertEquals(List.of(), store.settledChunks("m-1"), "gone once it ended");
  }
}
