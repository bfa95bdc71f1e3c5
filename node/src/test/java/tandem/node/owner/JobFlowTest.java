package tandem.node.owner;

import tandem.node.Reduce;
import tandem.protocol.api.JobState;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.typed.ClusterCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tandem.protocol.api.Json;
import tandem.node.NodeSettings;
import tandem.node.WireSettings;
import tandem.node.WorkerSettings;
import tandem.node.io.IoRunner;
import tandem.node.io.NodeIoContext;
import tandem.node.jobs.JobCatalog;
import tandem.node.scheduler.TaskScheduler;
import tandem.node.threads.ThreadRunner;
import tandem.node.worker.TaskRunner;
import tandem.node.worker.Worker;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Pipelines and placement on a JobManager with a real worker actor beside it (in one JVM, every message still
 * serialized); one message carries at most 1,000 characters here, so large inputs and results
 * travel in parts as they would between processes.
 */
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobFlowTest {
  private final ActorTestKit kit = ActorTestKit.create("JobFlowTest");
  private final WireSettings wire = new WireSettings(1 << 20, 1000, 1000);
  @TempDir static Path data;
  private ActorRef<JobManager.Command> jobs;

  @BeforeAll
  void start() throws Exception {
    Files.writeString(data.resolve("words.txt"), "tandem pekko kryo tandem\n".repeat(2000));
    JobCatalog catalog = JobCatalog.load();
    NodeSettings settings = new NodeSettings(
        0, data, "127.0.0.1", 0, null, Duration.ofSeconds(30), 1 << 20, 100_000, 3, null, Duration.ofMillis(500), true, Duration.ofSeconds(2), 100_000, 1000, wire, 512L << 20, Duration.ofMinutes(10));
    ActorRef<IoRunner.Command> io = kit.spawn(IoRunner.create(new NodeIoContext(kit.system(), data, wire.maxPayloadBytes()),
        wire.maxPayloadBytes()), DispatcherSelector.fromConfig("tandem.io-dispatcher"));
    TestProbe<ClusterCommand> membership = kit.createTestProbe();
    // Behind its door, as the Guardian spawns it; the worker is told of it as NodeFinder tells it of a node.
    ActorRef<Object> door = kit.spawn(Behaviors.intercept(TaskScheduler::door, TaskScheduler.create(wire, settings.cancelGrace(),
        kit.spawn(ThreadRunner.create(new TaskRunner(catalog, wire.maxPayloadBytes(), null))), membership.ref())));
    ActorRef<TaskScheduler.Command> scheduler = door.narrow();
    jobs = kit.spawn(JobManager.create(catalog, settings, io, scheduler, "pekko://tandem@127.0.0.1:2551"));
    ActorRef<Worker.Command> worker = kit.spawn(Worker.create(new TaskRunner(catalog, wire.maxPayloadBytes(),
        new NodeIoContext(kit.system(), data, wire.maxPayloadBytes())), new WorkerSettings(1, 1, wire, data)));
    worker.tell(new Worker.NodeUp(door.narrow()));
  }

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  private static JobProtocol.PipelineStep step(String job, String params) {
    return new JobProtocol.PipelineStep(job, (ObjectNode) Json.read(params));
  }

  private JobProtocol.SubmitReply submit(List<JobProtocol.PipelineStep> steps, List<ObjectNode> elements, boolean failFast) {
    TestProbe<JobProtocol.SubmitReply> reply = kit.createTestProbe();
    jobs.tell(new JobProtocol.SubmitPipeline(steps, elements, null, failFast, reply.ref()));
    return reply.receiveMessage();
  }

  private JobRecord run(List<JobProtocol.PipelineStep> steps, List<ObjectNode> elements) {
    JobRecord accepted = assertInstanceOf(JobProtocol.Accepted.class, submit(steps, elements, false)).job();
    return awaitFinal(accepted.id());
  }

  private JobRecord awaitFinal(String id) {
    TestProbe<JobProtocol.JobLookup> reply = kit.createTestProbe();
    jobs.tell(new JobProtocol.Watch(id, reply.ref()));
    return reply.receiveMessage(Duration.ofSeconds(10)).job().orElseThrow();
  }

  @Test
  @DisplayName("each step's result is the next step's input: the file is read on the node, its words counted in a worker")
  void feedsStepIntoStep() {
    JobRecord done = run(List.of(step("read-file", "{\"path\":\"words.txt\"}"), step("wordcount", "{\"top\":1}")), null);
    assertEquals(JobState.SUCCEEDED, done.state(), done.error());
    JsonNode result = Json.read(done.result());
    assertEquals(8000, result.get("words").asInt(), "50,000 characters of input travelled to the worker in parts");
    assertEquals("tandem", result.get("top").get(0).get("word").asText());
    List<JobRecord> steps = done.pipeline().runs();
    assertEquals("node", steps.get(0).ranOn().role(), "an I/O step runs on the node");
    assertEquals("worker", steps.get(1).ranOn().role(), "a CPU step runs in a worker");
    assertTrue(steps.stream().allMatch(s -> s.state() == JobState.SUCCEEDED && s.runMs() != null));
    assertEquals("pipeline", JobJson.of(done, System.nanoTime()).get("kind").asText());
  }

  @Test
  @DisplayName("a failing step stops the pipeline with that step's error, and later steps never run")
  void failingStepStops() {
    JobRecord done = run(List.of(step("read-file", "{\"path\":\"missing.txt\"}"), step("wordcount", "{}")), null);
    assertEquals(JobState.FAILED, done.state());
    assertTrue(done.error().startsWith("step 1 (read-file) failed: no file missing.txt"), done.error());
    assertEquals(1, done.pipeline().runs().size());
  }

  @Test
  @DisplayName("a pipeline is refused before it runs when a step cannot follow another or has bad parameters")
  void refusesBadPipelines() {
    var square = assertInstanceOf(JobProtocol.Rejected.class,
        submit(List.of(step("sleep", "{\"ms\":1}"), step("square", "{}")), null, false));
    assertTrue(square.reason().contains("takes no input parameter"), square.reason());
    var rounds = assertInstanceOf(JobProtocol.Rejected.class,
        submit(List.of(step("sleep", "{\"ms\":1}"), step("sha256", "{\"rounds\":0}")), null, false));
    assertTrue(rounds.reason().startsWith("step 2 (sha256)"), rounds.reason());
    var unknown = assertInstanceOf(JobProtocol.Rejected.class,
        submit(List.of(step("sleep", "{\"ms\":1}"), step("nope", "{}")), null, false));
    assertTrue(unknown.reason().startsWith("step 2: unknown job 'nope'"), unknown.reason());
  }

  @Test
  @DisplayName("a pipeline over inputs runs once per element and reports each element with its steps")
  void runsOverInputs() {
    JobRecord done = run(List.of(step("read-file", "{}"), step("sha256", "{}")),
        List.of(Json.object().put("path", "words.txt"), Json.object().put("path", "missing.txt")));
    assertEquals(JobState.FAILED, done.state());
    assertEquals(1, done.map().done());
    assertEquals(1, done.map().failed());
    JsonNode results = Json.read(done.result());
    assertEquals(64, results.get(0).asText().length());
    assertTrue(results.get(1).isNull());
    assertTrue(done.error().contains("element 1: step 1 (read-file) failed"), done.error());
  }

  @Test
  @DisplayName("a file read feeds the next step bytes, raw and in parts: sha256 hashes exactly the file, wordcount refuses binary, a last step's bytes are the result")
  void handsOnBytes() throws Exception {
    byte[] blob = new byte[30_000];
    new java.util.Random(5).nextBytes(blob);
    Files.write(data.resolve("blob.bin"), blob);
    JobRecord hashed = run(List.of(step("read-file", "{\"path\":\"blob.bin\"}"), step("sha256", "{}")), null);
    assertEquals(JobState.SUCCEEDED, hashed.state(), hashed.error());
    assertEquals("\"" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(blob)) + "\"",
        hashed.result());
    JobRecord counted = run(List.of(step("read-file", "{\"path\":\"blob.bin\"}"), step("wordcount", "{}")), null);
    assertEquals(JobState.FAILED, counted.state());
    assertTrue(counted.error().contains("wordcount counts words in UTF-8 text, but its input is 30000 bytes of binary data"), counted.error());
    JobRecord single = run(List.of(step("read-file", "{\"path\":\"blob.bin\",\"as\":\"bytes\"}")), null);
    assertEquals(JobState.SUCCEEDED, single.state(), single.error());
    assertArrayEquals(blob, single.bytes(), "a pipeline whose last step returns bytes has them as its result");
    assertEquals(30_000, Json.read(single.result()).get("bytes").asInt(), "shown in JSON by size and hash");
  }

  @Test
  @DisplayName("cancelling a pipeline cancels its running step and it never goes on")
  void cancelStopsTheRunningStep() {
    JobRecord accepted = assertInstanceOf(JobProtocol.Accepted.class,
        submit(List.of(step("spin", "{\"ms\":60000}"), step("sha256", "{}")), null, false)).job();
    TestProbe<JobProtocol.CancelReply> reply = kit.createTestProbe();
    kit.createTestProbe().awaitAssert(() -> {
      TestProbe<JobProtocol.JobLookup> get = kit.createTestProbe();
      jobs.tell(new JobProtocol.Get(accepted.id(), get.ref()));
      JobRecord now = get.receiveMessage().job().orElseThrow();
      assertEquals(JobState.RUNNING, now.pipeline().runs().get(0).state(), "the spin reached the worker");
      return null;
    });
    jobs.tell(new JobProtocol.Cancel(accepted.id(), reply.ref()));
    JobRecord cancelled = reply.receiveMessage().job().orElseThrow();
    assertEquals(JobState.CANCELLED, cancelled.state());
    assertEquals(JobState.CANCELLED, cancelled.pipeline().runs().get(0).state());
    // The worker's slot frees once the spin is interrupted: the next pipeline runs at once.
    JobRecord next = run(List.of(step("sleep", "{\"ms\":1}"), step("sha256", "{}")), null);
    assertEquals(JobState.SUCCEEDED, next.state(), next.error());
  }

  @Test
  @DisplayName("a map of an I/O job runs each element on the node")
  void ioMapsRunOnTheNode() {
    TestProbe<JobProtocol.SubmitReply> reply = kit.createTestProbe();
    jobs.tell(new JobProtocol.SubmitMap("sleep", Json.object(),
        List.of(Json.object().put("ms", 20), Json.object().put("ms", 10)), 0, Reduce.parse("sum"), false, reply.ref()));
    JobRecord accepted = assertInstanceOf(JobProtocol.Accepted.class, reply.receiveMessage()).job();
    JobRecord done = awaitFinal(accepted.id());
    assertEquals(JobState.SUCCEEDED, done.state(), done.error());
    assertEquals("30", done.result());
  }

  private static JobOptions placed(Placement on) {
    return new JobOptions(on, null, null, false);
  }

  private JobRecord runOne(String job, String params, Placement on) {
    TestProbe<JobProtocol.SubmitReply> reply = kit.createTestProbe();
    jobs.tell(new JobProtocol.Submit(job, (ObjectNode) Json.read(params), placed(on), reply.ref()));
    return awaitFinal(assertInstanceOf(JobProtocol.Accepted.class, reply.receiveMessage()).job().id());
  }

  @Test
  @DisplayName("--on threads runs a CPU job on the node's compute threads, --on processes an I/O job in a worker")
  void placementOverridesKind() {
    JobRecord cpuOnNode = runOne("square", "{\"x\":7}", Placement.THREADS);
    assertEquals("49", cpuOnNode.result());
    assertEquals("node", cpuOnNode.ranOn().role());
    assertTrue(cpuOnNode.ranOn().thread().contains("node-compute-dispatcher"), cpuOnNode.ranOn().thread());
    JobRecord ioInWorker = runOne("read-file", "{\"path\":\"words.txt\"}", Placement.PROCESSES);
    assertEquals(JobState.SUCCEEDED, ioInWorker.state(), ioInWorker.error());
    assertEquals("worker", ioInWorker.ranOn().role());
    assertEquals(50_000, Json.read(ioInWorker.result()).get("bytes").asInt());
    assertEquals("worker", runOne("square", "{\"x\":7}", Placement.BY_KIND).ranOn().role());

    TestProbe<JobProtocol.SubmitReply> reply = kit.createTestProbe();
    jobs.tell(new JobProtocol.SubmitMap("square", Json.object(), List.of(Json.object().put("x", 2), Json.object().put("x", 3)),
        1, Reduce.parse("sum"), false, placed(Placement.THREADS), reply.ref()));
    JobRecord map = awaitFinal(assertInstanceOf(JobProtocol.Accepted.class, reply.receiveMessage()).job().id());
    assertEquals("13", map.result());
    assertEquals("node", map.ranOn().role());
  }

  @Test
  @DisplayName("a CPU job on the node's threads can be cancelled: its thread is interrupted")
  void threadJobsCancel() {
    TestProbe<JobProtocol.SubmitReply> reply = kit.createTestProbe();
    jobs.tell(new JobProtocol.Submit("spin", (ObjectNode) Json.read("{\"ms\":60000}"), placed(Placement.THREADS), reply.ref()));
    JobRecord accepted = assertInstanceOf(JobProtocol.Accepted.class, reply.receiveMessage()).job();
    TestProbe<JobProtocol.CancelReply> cancel = kit.createTestProbe();
    jobs.tell(new JobProtocol.Cancel(accepted.id(), cancel.ref()));
    assertEquals(JobState.CANCELLED, cancel.receiveMessage().job().orElseThrow().state());
    // the interrupted spin frees its thread: more node-thread jobs than cores still finish at once
    for (int i = 0; i < Runtime.getRuntime().availableProcessors() + 1; i++) {
      assertEquals("4", runOne("square", "{\"x\":2}", Placement.THREADS).result());
    }
  }
}
