package tandem.node.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.typed.ClusterCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tandem.node.NodeSettings;
import tandem.node.WireSettings;
import tandem.node.http.SubmissionReader;
import tandem.node.io.IoRunner;
import tandem.node.io.NodeIoContext;
import tandem.node.jobs.JobCatalog;
import tandem.node.journal.JobJournal;
import tandem.node.journal.JobStore;
import tandem.node.journal.JournalSettings;
import tandem.node.scheduler.TaskScheduler;
import tandem.node.threads.ThreadRunner;
import tandem.node.worker.TaskRunner;
import tandem.protocol.ValueCodec;
import tandem.protocol.api.Json;

/** A JobManager with a journal, in one JVM: it records what it accepts, and runs again what the journal says it owned. */
class JobManagerJournalTest {
  private static final String ADDRESS = "pekko://tandem@127.0.0.1:2551";
  private static final String OWNER = ADDRESS + "#42";
  private final ActorTestKit kit = ActorTestKit.create("JobManagerJournalTest");
  private Path dir;
  private JobJournal journal;

  @BeforeEach
  void open() throws Exception {
    dir = Files.createTempDirectory("journal");
    journal = new JobJournal(new JournalSettings("jdbc:sqlite:" + dir.resolve("journal.db"), "", "", Duration.ofDays(7),
        100_000, 1 << 20, 1 << 20, 64 << 20, Duration.ofSeconds(10)));
  }

  @AfterEach
  void close() throws Exception {
    kit.shutdownTestKit();
    journal.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private ActorRef<JobManager.Command> jobManager() {
    NodeSettings settings = new NodeSettings(0, Path.of("."), "127.0.0.1", 0, null, Duration.ofSeconds(30), 1 << 20, 100_000, 3,
        null, Duration.ofMillis(500), true, Duration.ofSeconds(2), 100_000, 1000, new WireSettings(64L << 20, 1000, 1000),
        512L << 20, Duration.ofMinutes(10));
    TestProbe<ClusterCommand> membership = kit.createTestProbe();
    ActorRef<IoRunner.Command> io = kit.spawn(IoRunner.create(new NodeIoContext(kit.system(), Path.of("."), 64L << 20), 64L << 20),
        DispatcherSelector.fromConfig("tandem.io-dispatcher"));
    ActorRef<ThreadRunner.Command> threads = kit.spawn(ThreadRunner.create(new TaskRunner(JobCatalog.load(), 64L << 20, null)));
    ActorRef<TaskScheduler.Command> scheduler = kit.spawn(TaskScheduler.create(settings.wire(), settings.cancelGrace(), threads,
        membership.ref()));
    SubmissionReader reader = new SubmissionReader(settings, kit.system().settings().config());
    return kit.spawn(JobManager.create(JobCatalog.load(), settings, io, scheduler, ADDRESS, Optional.of(journal), OWNER,
        reader::read));
  }

  private JobStore.Row awaitEnded(String id) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<JobStore.Row> row = journal.find(id).join();
      if (row.isPresent() && row.get().finishedAt() != null) {
        return row.get();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("job " + id + " not ended in the journal within 20 s: " + journal.find(id).join());
  }

  @Test
  @DisplayName("a job is in the journal before its submitter hears it was accepted, and its end after")
  void recordsBeforeItAccepts() throws Exception {
    ActorRef<JobManager.Command> jobs = jobManager();
    TestProbe<JobProtocol.SubmitReply> replies = kit.createTestProbe();
    jobs.tell(new JobProtocol.Submit("sleep", Json.object().put("ms", 20), replies.ref()));
    JobProtocol.Accepted accepted = replies.expectMessageClass(JobProtocol.Accepted.class, Duration.ofSeconds(10));
    String id = accepted.job().id();
    JobStore.Row row = journal.find(id).get(10, TimeUnit.SECONDS).orElseThrow(() -> new AssertionError("not in the journal"));
    assertEquals(OWNER, row.owner());
    assertEquals("sleep", Json.read(Json.write(ValueCodec.decode(row.submission()))).path("job").asText());
    JobStore.Row ended = awaitEnded(id);
    assertEquals("succeeded", ended.state());
    assertEquals(20, Json.read(ended.record()).path("result").asInt(), ended.record());
  }

  @Test
  @DisplayName("started again (by its supervisor), it runs the unfinished jobs the journal says this node owns, under their ids")
  void runsAgainWhatItOwnedBefore() throws Exception {
    byte[] submission = ValueCodec.encode(Json.object().put("job", "sleep").set("params", Json.object().put("ms", 10)));
    journal.accepted("old-7", () -> new JobStore.Accepted("old-7", OWNER, "sleep", "running", submission, null,
        System.currentTimeMillis())).get(10, TimeUnit.SECONDS);
    journal.accepted("old-8", () -> new JobStore.Accepted("old-8", OWNER, "square", "queued", null,
        "its inputs were uploaded to the node that owned it", System.currentTimeMillis())).get(10, TimeUnit.SECONDS);
    jobManager();
    JobStore.Row again = awaitEnded("old-7");
    assertEquals("succeeded", again.state());
    assertEquals(1, Json.read(again.record()).path("recovered").asInt(), again.record());
    JobStore.Row unrun = awaitEnded("old-8");
    assertEquals("failed", unrun.state());
    assertTrue(unrun.record().contains("its inputs were uploaded"), unrun.record());
    assertEquals(List.of(), journal.unfinishedOf(OWNER).get(10, TimeUnit.SECONDS), "nothing left unfinished");
  }

  @Test
  @DisplayName("started again, a map it owned runs only the elements no recorded chunk covers, and keeps what they recorded")
  void resumesAMapFromItsSettledChunks() throws Exception {
    com.fasterxml.jackson.databind.node.ObjectNode tree = Json.object().put("job", "square").put("chunk", 5).put("on", "threads");
    tree.set("params", Json.object());
    com.fasterxml.jackson.databind.node.ArrayNode inputs = tree.putArray("inputs");
    for (int x = 1; x <= 20; x++) {
      inputs.addObject().put("x", x);
    }
    journal.accepted("old-9", () -> new JobStore.Accepted("old-9", OWNER, "square", "running", ValueCodec.encode(tree), null,
        System.currentTimeMillis())).get(10, TimeUnit.SECONDS);
    // Elements 0-4 and 10-14 settled before: recorded as results no square gives, so a rerun would show.
    for (int offset : new int[] {0, 10}) {
      com.fasterxml.jackson.databind.node.ArrayNode results = Json.NODES.arrayNode();
      for (int i = 0; i < 5; i++) {
        results.addObject().put("ok", -(offset + i));
      }
      journal.chunkSettled(new JobStore.SettledChunk("old-9", offset, 5, ValueCodec.encode(results), null));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (journal.settledChunks("old-9").get(10, TimeUnit.SECONDS).size() < 2) {
      assertTrue(System.nanoTime() < deadline, "the chunks were not written within 10 s");
      Thread.sleep(20);
    }
    jobManager();
    JobStore.Row resumed = awaitEnded("old-9");
    assertEquals("succeeded", resumed.state(), resumed.record());
    List<Integer> results = new java.util.ArrayList<>();
    Json.read(resumed.record()).path("result").forEach(r -> results.add(r.asInt()));
    assertEquals(List.of(0, -1, -2, -3, -4, 36, 49, 64, 81, 100, -10, -11, -12, -13, -14, 256, 289, 324, 361, 400), results);
    assertEquals(1, Json.read(resumed.record()).path("recovered").asInt(), resumed.record());
  }
}
