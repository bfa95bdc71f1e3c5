package tandem.node.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import tandem.node.WorkerSettings;
import tandem.node.jobs.JobCatalog;
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
    kit.system().receptionist().tell(Receptionist.register(WorkerProtocol.NODES, node.ref()));
    kit.spawn(Worker.create(new TaskRunner(JobCatalog.load(), 1_000_000), new WorkerSettings(1, 1, 1_000_000)));
    var ready = node.expectMessageClass(WorkerProtocol.WorkerReady.class, Duration.ofSeconds(5));
    assertEquals(2, ready.capacity());
    assertEquals(ProcessHandle.current().pid(), ready.pid());

    ready.worker().tell(new WorkerProtocol.RunTasks(node.ref(), List.of(
        WorkerProtocol.Task.single(1, "spin", "{\"ms\":60000}"),
        WorkerProtocol.Task.single(2, "square", "{\"x\":5}"))));
    long start = System.nanoTime();
    ready.worker().tell(new WorkerProtocol.CancelTasks(node.ref(), List.of(1L)));
    // Both come back once; their order depends on whether the interrupted thread starts the next
    // task before the cancelling thread reports the cancellation.
    var results = new java.util.HashMap<Long, WorkerProtocol.TaskResult>();
    for (int i = 0; i < 2; i++) {
      var r = node.expectMessageClass(WorkerProtocol.TasksDone.class, Duration.ofSeconds(3)).results().get(0);
      results.put(r.taskId(), r);
    }
    assertEquals("cancelled", results.get(1L).error());
    var square = results.get(2L);
    assertEquals("25", square.result());
    assertTrue(square.thread().contains("compute-dispatcher"), square.thread());
    assertTrue(System.nanoTime() - start < 3_000_000_000L, "the interrupted spin let the next task run");

    ready.worker().tell(new WorkerProtocol.RunTasks(node.ref(), List.of(
        WorkerProtocol.Task.chunk(3, "primes", "[{\"n\":10},{},{\"n\":100}]"))));
    var chunk = node.expectMessageClass(WorkerProtocol.TasksDone.class, Duration.ofSeconds(3)).results().get(0);
    var outcomes = tandem.node.Json.read(chunk.result());
    assertEquals(3, outcomes.size(), "one outcome per element: " + outcomes);
    assertEquals(4, outcomes.get(0).get("ok").asInt());
    assertTrue(outcomes.get(1).has("error"), "an element that fails does not stop the chunk: " + outcomes);
    assertEquals(25, outcomes.get(2).get("ok").asInt());
  }
}
