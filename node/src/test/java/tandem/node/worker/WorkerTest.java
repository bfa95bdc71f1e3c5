package tandem.node.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import tandem.node.WireSettings;
import tandem.node.WorkerSettings;
import tandem.node.jobs.JobCatalog;
import tandem.protocol.ValueCodec;
import tandem.protocol.api.Json;
import tandem.protocol.WorkerProtocol;

@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerTest {
  private final ActorTestKit kit = ActorTestKit.create("WorkerTest");

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  @Test
  @DisplayName("a worker offers its slots to a node, runs its tasks off the actor thread, and interrupts a cancelled one")
  void runsAndCancelsTasks() {
    TestProbe<WorkerProtocol.ToNode> node = kit.createTestProbe();
    var worker = kit.spawn(Worker.create(new TaskRunner(JobCatalog.load(), 1_000_000, null), new WorkerSettings(1, 1, new WireSettings(64L << 20, 1000, 1000), java.nio.file.Path.of("."))));
    worker.tell(new Worker.NodeUp(node.ref())); // as NodeFinder does for a node among the members
    var ready = node.expectMessageClass(WorkerProtocol.WorkerReady.class, Duration.ofSeconds(5));
    assertEquals(2, ready.capacity());
    assertEquals(ProcessHandle.current().pid(), ready.pid());

    ready.worker().tell(new WorkerProtocol.RunTasks(ready.nodeNo(), List.of(
        WorkerProtocol.Task.single(1, "spin", ValueCodec.encode(Json.read("{\"ms\":60000}"))),
        WorkerProtocol.Task.single(2, "square", ValueCodec.encode(Json.read("{\"x\":5}"))))));
    long start = System.nanoTime();
    ready.worker().tell(new WorkerProtocol.CancelTasks(ready.nodeNo(), List.of(1L)));
    // Both come back once, together or apart; their order depends on whether the interrupted
    // thread starts the next task before the cancelling thread reports the cancellation.
    var results = new java.util.HashMap<Long, WorkerProtocol.TaskResult>();
    while (results.size() < 2) {
      for (var r : node.expectMessageClass(WorkerProtocol.TasksDone.class, Duration.ofSeconds(3)).results()) {
        assertTrue(results.put(r.taskId(), r) == null, "task " + r.taskId() + " reported twice");
      }
    }
    assertEquals("cancelled", results.get(1L).error());
    var square = results.get(2L);
    assertEquals(25, ValueCodec.decode(square.result()).asInt());
    assertTrue(square.thread().contains("compute-dispatcher"), square.thread());
    assertTrue(System.nanoTime() - start < 3_000_000_000L, "the interrupted spin let the next task run");

    // A number this worker never gave a node is dropped with a warning; the worker serves on.
    ready.worker().tell(new WorkerProtocol.RunTasks(ready.nodeNo() + 7, List.of(WorkerProtocol.Task.single(9, "square", ValueCodec.encode(Json.read("{\"x\":3}"))))));
    node.expectNoMessage(Duration.ofMillis(200));
    ready.worker().tell(new WorkerProtocol.RunTasks(ready.nodeNo(), List.of(
        WorkerProtocol.Task.chunk(3, "primes", ValueCodec.encode(Json.read("[{\"n\":10},{},{\"n\":100}]"))))));
    var chunk = node.expectMessageClass(WorkerProtocol.TasksDone.class, Duration.ofSeconds(3)).results().get(0);
    var outcomes = ValueCodec.decode(chunk.result());
    assertEquals(3, outcomes.size(), "one outcome per element: " + outcomes);
    assertEquals(4, outcomes.get(0).get("ok").asInt());
    assertTrue(outcomes.get(1).has("error"), "an element that fails does not stop the chunk: " + outcomes);
    assertEquals(25, outcomes.get(2).get("ok").asInt());
  }

  @Test
  @DisplayName("a node that leaves the cluster has its tasks cancelled: another node's task waiting for the thread runs at once")
  void cancelsTheTasksOfANodeThatIsGone() {
    ActorTestKit kit = ActorTestKit.create("WorkerNodeGoneTest");
    // A worker knows a node by its address: the node that leaves lives in a system of its own.
    ActorTestKit elsewhere = ActorTestKit.create("NodeThatLeaves");
    try {
      TestProbe<WorkerProtocol.ToNode> gone = elsewhere.createTestProbe();
      TestProbe<WorkerProtocol.ToNode> survivor = kit.createTestProbe();
      // One compute thread: the survivor's task waits behind the other node's minute-long spin.
      var worker = kit.spawn(Worker.create(new TaskRunner(JobCatalog.load(), 1_000_000, null),
          new WorkerSettings(1, 1, new WireSettings(1_000_000, 1000, 1000), java.nio.file.Path.of("."))));
      worker.tell(new Worker.NodeUp(gone.ref()));
      var toGone = gone.expectMessageClass(WorkerProtocol.WorkerReady.class, Duration.ofSeconds(5));
      worker.tell(new Worker.NodeUp(survivor.ref()));
      var toSurvivor = survivor.expectMessageClass(WorkerProtocol.WorkerReady.class, Duration.ofSeconds(5));

      // The worker's inbox is one for every node (the number says which); sent from this system.
      toSurvivor.worker().tell(new WorkerProtocol.RunTasks(toGone.nodeNo(), List.of(
          WorkerProtocol.Task.single(1, "spin", ValueCodec.encode(Json.read("{\"ms\":60000}"))))));
      toSurvivor.worker().tell(new WorkerProtocol.RunTasks(toSurvivor.nodeNo(), List.of(
          WorkerProtocol.Task.single(1, "square", ValueCodec.encode(Json.read("{\"x\":7}"))))));
      survivor.expectNoMessage(Duration.ofMillis(300)); // the spin holds the only thread
      gone.stop(); // as a downed node's actor ends for its watchers

      var done = survivor.expectMessageClass(WorkerProtocol.TasksDone.class, Duration.ofSeconds(5)).results().get(0);
      assertEquals(49, ValueCodec.decode(done.result()).asInt(), done.toString());
    } finally {
      elsewhere.shutdownTestKit();
      kit.shutdownTestKit();
    }
  }

  @Test
  @DisplayName("parameters and results larger than one message travel in parts, and a task whose parts went missing fails with a reason")
  void largePayloadsTravelInParts() {
    // A system of its own: a worker offers its slots to every node it finds.
    ActorTestKit kit = ActorTestKit.create("WorkerPartsTest");
    try {
      largePayloadsTravelInParts(kit);
    } finally {
      kit.shutdownTestKit();
    }
  }

  private static void largePayloadsTravelInParts(ActorTestKit kit) {
    TestProbe<WorkerProtocol.ToNode> node = kit.createTestProbe();
    var worker = kit.spawn(Worker.create(new TaskRunner(JobCatalog.load(), 1_000_000, null), new WorkerSettings(1, 1, new WireSettings(1_000_000, 1000, 1000), java.nio.file.Path.of("."))));
    worker.tell(new Worker.NodeUp(node.ref())); // as NodeFinder does for a node among the members
    var ready = node.expectMessageClass(WorkerProtocol.WorkerReady.class, Duration.ofSeconds(5));

    String text = "word ".repeat(1000);
    byte[] params = ValueCodec.encode(Json.object().put("input", text).put("top", 1));
    List<byte[]> parts = new java.util.ArrayList<>();
    tandem.protocol.Parts.sendAhead(params, 1000, parts::add);
    parts.forEach(p -> ready.worker().tell(new WorkerProtocol.TaskPart(ready.nodeNo(), 1, p)));
    ready.worker().tell(new WorkerProtocol.RunTasks(ready.nodeNo(), List.of(
        WorkerProtocol.Task.single(1, "wordcount", null).withParams(null).inParts(parts.size()),
        WorkerProtocol.Task.single(2, "wordcount", null).inParts(3),
        WorkerProtocol.Task.single(3, "factorial", ValueCodec.encode(Json.read("{\"n\":1000,\"full\":true}"))))));

    // A task whose parts are missing is answered at once; the others as they finish.
    var results = new java.util.HashMap<Long, WorkerProtocol.TaskResult>();
    java.io.ByteArrayOutputStream digits = new java.io.ByteArrayOutputStream();
    while (results.size() < 3) {
      WorkerProtocol.ToNode m = node.receiveMessage(Duration.ofSeconds(5));
      if (m instanceof WorkerProtocol.ResultPart part) {
        assertEquals(3, part.taskId());
        digits.writeBytes(part.bytes());
      } else {
        ((WorkerProtocol.TasksDone) m).results().forEach(done -> results.put(done.taskId(), done));
      }
    }
    var counted = results.get(1L);
    assertEquals(null, counted.error());
    assertEquals(1000, ValueCodec.decode(counted.result()).get("top").get(0).get("count").asInt(), counted.toString());
    assertTrue(results.get(2L).error().contains("incomplete (0 of 3 parts)"), results.get(2L).error());
    var factorial = results.get(3L);
    assertEquals(null, factorial.result());
    assertEquals((digits.size() + 999) / 1000, factorial.parts());
    var whole = ValueCodec.decode(digits.toByteArray());
    assertEquals(2568, whole.get("value").asText().length(), "1000! has 2568 digits");
    assertEquals(2568, whole.get("digits").asInt());
  }

  @Test
  @DisplayName("a worker told to halt ends its process (here: runs the halt it was given)")
  void haltsWhenTold() {
    ActorTestKit kit = ActorTestKit.create("WorkerHaltTest");
    try {
      TestProbe<WorkerProtocol.ToNode> node = kit.createTestProbe();
      java.util.concurrent.CountDownLatch halted = new java.util.concurrent.CountDownLatch(1);
      var worker = kit.spawn(Worker.create(new TaskRunner(JobCatalog.load(), 1_000_000, null),
          new WorkerSettings(1, 1, new WireSettings(1_000_000, 1000, 1000), java.nio.file.Path.of(".")), halted::countDown));
      worker.tell(new Worker.NodeUp(node.ref()));
      var ready = node.expectMessageClass(WorkerProtocol.WorkerReady.class, Duration.ofSeconds(5));
      ready.worker().tell(new WorkerProtocol.Halt("task 1 ignored its cancel for 2 s"));
      node.awaitAssert(() -> {
        assertEquals(0, halted.getCount());
        return null;
      });
    } finally {
      kit.shutdownTestKit();
    }
  }
}
