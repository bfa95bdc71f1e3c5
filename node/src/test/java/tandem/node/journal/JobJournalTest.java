package tandem.node.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JobJournalTest {
  private Path dir;
  private JobJournal journal;

  @BeforeEach
  void open() throws Exception {
    dir = Files.createTempDirectory("journal");
    journal = new JobJournal(new JournalSettings("jdbc:sqlite:" + dir.resolve("journal.db"), "", "", Duration.ofDays(7), 100_000,
        1 << 20, 1 << 20, 64 << 20, Duration.ofSeconds(10)));
  }

  @AfterEach
  void close() throws Exception {
    journal.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static JobStore.Accepted accepted(String id) {
    return new JobStore.Accepted(id, "me#1", "square", "queued", null, null, System.currentTimeMillis());
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 20 s: " + what);
      }
      Thread.sleep(50);
    }
  }

  @Test
  void aBurstOfJobsIsRecordedAndEachAcceptanceWaitsForItsCommit() throws Exception {
    List<CompletableFuture<Void>> written = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < 2000; i++) {
      String id = "b-" + i;
      written.add(journal.accepted(id, () -> accepted(id)));
      journal.finished(() -> new JobStore.Finished(id, "me#1", "succeeded", "{\"id\":\"" + id + "\",\"result\":1}", null,
          System.currentTimeMillis()));
    }
    CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    System.out.printf("journal: 2,000 jobs accepted (and 2,000 ends queued) in %.0f ms%n", (System.nanoTime() - start) / 1e6);
    assertNull(journal.refusal());
    await("the ends recorded", () -> journal.find("b-1999").join().map(r -> r.record() != null).orElse(false));
    assertEquals(2000, journal.store().count());
    for (String id : List.of("b-0", "b-777", "b-1999")) { // each job one row, from its acceptance to its end
      JobStore.Row row = journal.find(id).join().orElseThrow();
      assertEquals("succeeded", row.state(), id);
      assertEquals("square", row.job(), id);
      assertTrue(row.finishedAt() != null && row.record().contains(id), row.toString());
    }
  }

  @Test
  @org.junit.jupiter.api.DisplayName("a job that ends before its acceptance is written is written once, as it ended; one that ends after is updated")
  void aJobThatEndsBeforeItsAcceptanceIsWrittenIsOneRow() throws Exception {
    // The writer makes rows on its own thread: one that blocks holds back the acceptances behind it.
    java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
    CompletableFuture<Void> held = journal.accepted("held", () -> {
      try {
        hold.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return accepted("held");
    });
    byte[] submission = {1, 2, 3};
    CompletableFuture<Void> early = journal.accepted("early", () -> new JobStore.Accepted("early", "me#1", "square", "queued",
        submission, null, 1234));
    journal.ended("early", () -> ended("early", "{\"id\":\"early\",\"result\":4}"));
    hold.countDown();
    CompletableFuture.allOf(held, early).get(30, TimeUnit.SECONDS);
    await("the early end written", () -> journal.find("early").join().map(r -> r.finishedAt() != null).orElse(false));
    JobStore.Row one = journal.find("early").join().orElseThrow();
    assertEquals("succeeded", one.state());
    assertEquals("square", one.job());
    assertEquals(1234, one.submittedAt());
    assertTrue(one.record().contains("\"result\":4"), one.record());
    assertNull(one.submission(), "a job that ended is never run again: its submission is not kept");

    journal.accepted("late", () -> new JobStore.Accepted("late", "me#1", "square", "queued", submission, null, 1))
        .get(30, TimeUnit.SECONDS);
    journal.ended("late", () -> ended("late", "{}"));
    await("the late end written", () -> journal.find("late").join().map(r -> r.finishedAt() != null).orElse(false));
    JobStore.Row two = journal.find("late").join().orElseThrow();
    assertEquals("succeeded", two.state());
    assertEquals(3, two.submission().length, "written on its acceptance, kept at its end");
    assertEquals(3, journal.store().count());
  }

  private static JobStore.Ended ended(String id, String record) {
    return new JobStore.Ended(new JobStore.Finished(id, "me#1", "succeeded", record, null, System.currentTimeMillis()),
        "square", 1234);
  }

  @Test
  @org.junit.jupiter.api.DisplayName("finished jobs beyond the retention are removed while jobs keep coming")
  void keepsItsRetentionUnderAStreamOfJobs() throws Exception {
    journal.close();
    journal = new JobJournal(new JournalSettings("jdbc:sqlite:" + dir.resolve("kept.db"), "", "", Duration.ofDays(7), 100,
        1 << 20, 1 << 20, 64 << 20, Duration.ofSeconds(10)));
    // Removal runs every 10 s: between two, what came meanwhile is held too. Written until a removal
    // is seen (the count drops) after the first 1,000, at about 1,000 jobs a second, never idle.
    long deadline = System.nanoTime() + Duration.ofSeconds(25).toNanos();
    int n = 0;
    long held = 0;
    long most = 0;
    boolean removed = false;
    while (System.nanoTime() < deadline && !removed) {
      List<CompletableFuture<Void>> written = new ArrayList<>();
      for (int i = 0; i < 100; i++, n++) {
        String id = "k-" + n;
        written.add(journal.accepted(id, () -> accepted(id)));
        journal.finished(() -> new JobStore.Finished(id, "me#1", "succeeded", "{}", null, System.currentTimeMillis()));
      }
      CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      long now = journal.store().count();
      removed = n > 1000 && now < held;
      held = now;
      most = Math.max(most, now);
      Thread.sleep(100);
    }
    assertTrue(removed, n + " jobs written and none removed; " + held + " held");
    assertTrue(held <= 100 + 2_000, "just after a removal, the 100 kept and what came since: " + held);
    assertTrue(most <= 100 + 15_000, "at most the 100 kept and 10 s of jobs: " + most);
  }

  @Test
  @org.junit.jupiter.api.DisplayName("a journal that cannot be written refuses, says why, and takes writes again once it can; an end is kept meanwhile")
  void refusesWhileTheStoreCannotBeWrittenThenRecovers() throws Exception {
    journal.accepted("first", () -> accepted("first")).get(30, TimeUnit.SECONDS);
    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("journal.db"));
        Statement s = other.createStatement()) {
      s.execute("PRAGMA busy_timeout = 100");
      s.execute("BEGIN EXCLUSIVE"); // another process holds the write lock
      CompletableFuture<Void> refused = journal.accepted("second", () -> accepted("second"));
      ExecutionException error = assertThrows(ExecutionException.class, () -> refused.get(30, TimeUnit.SECONDS));
      assertTrue(String.valueOf(error.getCause().getMessage()).contains("locked"), error.getCause().toString());
      String refusal = journal.refusal();
      assertNotNull(refusal);
      assertTrue(refusal.contains("cannot be written") && refusal.contains("try again"), refusal);
      journal.finished(() -> new JobStore.Finished("first", "me#1", "succeeded", "{}", null, System.currentTimeMillis()));
      s.execute("ROLLBACK");
    }
    await("the journal takes writes again", () -> journal.refusal() == null);
    await("the end kept meanwhile is written", () -> journal.find("first").join().map(r -> r.finishedAt() != null).orElse(false));
    journal.accepted("third", () -> accepted("third")).get(30, TimeUnit.SECONDS);
    assertTrue(journal.find("second").join().isEmpty(), "what was refused is not recorded");
  }
}
