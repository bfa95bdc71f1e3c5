package tandem.node.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tandem.protocol.ValueCodec;
import tandem.protocol.api.Json;
import tandem.protocol.WorkerProtocol.Task;
import tandem.protocol.WorkerProtocol.ToWorker;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerRosterTest {
  private final ActorTestKit kit = ActorTestKit.create();
  private final ActorRef<ToWorker> a = kit.<ToWorker>createTestProbe().ref();
  private final ActorRef<ToWorker> b = kit.<ToWorker>createTestProbe().ref();

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  private static Task task(long id) {
    return Task.single(id, "square", ValueCodec.encode(Json.read("{\"x\":1}")));
  }

  @Test
  @DisplayName("tasks go to the worker with the most free slots, never beyond its capacity")
  void assignsWithinCapacity() {
    WorkerRoster roster = new WorkerRoster();
    roster.add(a, 1, 2, 0);
    roster.add(b, 2, 2, 0);
    for (long i = 1; i <= 5; i++) {
      roster.enqueue(task(i));
    }
    List<WorkerRoster.Assignment> assigned = roster.assign();
    assertEquals(4, assigned.stream().mapToInt(x -> x.tasks().size()).sum());
    assertEquals(1, roster.queued());
    assertTrue(assigned.stream().allMatch(x -> x.tasks().size() == 2));
    assertTrue(roster.assign().isEmpty(), "no slot is free");
    assertTrue(roster.complete(a, assigned.stream().filter(x -> x.worker().ref.equals(a)).findFirst().orElseThrow().tasks().get(0).taskId(), 5_000));
    assertEquals(1, roster.assign().size(), "a freed slot takes the waiting task");
  }

  @Test
  @DisplayName("a lost worker hands back its tasks, and its late results are refused")
  void lostWorkerReturnsItsTasks() {
    WorkerRoster roster = new WorkerRoster();
    roster.add(a, 1, 2, 0);
    roster.enqueue(task(1));
    roster.enqueue(task(2));
    roster.assign();
    WorkerRoster.Slot lost = roster.remove(a).orElseThrow();
    assertEquals(List.of(1L, 2L), List.copyOf(lost.inFlight.keySet()));
    assertFalse(roster.complete(a, 1, 5_000), "a result from a removed worker is not delivered");
    assertFalse(roster.add(b, 2, 1, 0) && roster.add(b, 2, 1, 0), "a worker is added once");
  }

  @Test
  @DisplayName("a task to retry goes ahead of new work")
  void retriesGoFirst() {
    WorkerRoster roster = new WorkerRoster();
    roster.enqueue(task(1));
    roster.retryFirst(task(9));
    roster.add(a, 1, 1, 0);
    assertEquals(9, roster.assign().get(0).tasks().get(0).taskId());
  }

  @Test
  @DisplayName("a worker of short tasks holds 8 ms of them per thread: 8 x its capacity near 1 ms, 128 x for no-ops; once they take longer, its capacity again")
  void shortTasksWidenTheWindow() {
    assertEquals(1, WorkerRoster.window(1_000));
    assertEquals(8, WorkerRoster.window(999));
    assertEquals(80, WorkerRoster.window(100));
    assertEquals(128, WorkerRoster.window(5));
    assertEquals(128, WorkerRoster.window(0));

    WorkerRoster roster = new WorkerRoster();
    roster.add(a, 1, 2, 0);
    for (long i = 1; i <= 1_000; i++) {
      roster.enqueue(task(i));
    }
    assertEquals(2, roster.assign().get(0).tasks().size(), "a new worker gets its capacity");
    assertTrue(roster.complete(a, 1, 900));
    assertTrue(roster.complete(a, 2, 900));
    assertEquals(16, roster.assign().get(0).tasks().size(), "tasks near 1 ms: 8 x 2 in flight");

    WorkerRoster noops = new WorkerRoster();
    noops.add(a, 1, 2, 0);
    for (long i = 1; i <= 1_000; i++) {
      noops.enqueue(task(i));
    }
    noops.assign();
    assertTrue(noops.complete(a, 1, 5));
    assertTrue(noops.complete(a, 2, 5));
    assertEquals(256, noops.assign().get(0).tasks().size(), "no-ops: 128 x 2 in flight");
    for (long id = 3; id <= 258; id++) {
      assertTrue(noops.complete(a, id, 50_000));
    }
    assertEquals(2, noops.assign().get(0).tasks().size(), "long tasks again: back to its capacity");
  }

  @Test
  @DisplayName("a kind whose runs differ (one long among short ones) gets a narrow window until the long run fades")
  void aLongRunNarrowsTheWindow() {
    WorkerRoster.RunTimes times = new WorkerRoster.RunTimes(5);
    assertEquals(128, WorkerRoster.window(times.expected()), "no-ops: the widest window");
    times.add(4_000);
    assertEquals(1, WorkerRoster.window(times.expected()), "one ran 4 ms: a quarter of that is expected, so its capacity only");
    for (int i = 0; i < 100; i++) {
      times.add(5);
    }
    int fading = WorkerRoster.window(times.expected());
    assertTrue(fading > 8 && fading < 128, "fading after 100 short runs: " + fading);
    for (int i = 0; i < 100; i++) {
      times.add(5);
    }
    assertEquals(128, WorkerRoster.window(times.expected()), "faded after 200");
  }

  @Test
  @DisplayName("the window widens per kind of task: after fast no-ops, a new map's chunks still go 2 per worker, and a wide window keeps to a fair share")
  void windowIsPerKindOfTask() {
    WorkerRoster roster = new WorkerRoster();
    roster.add(a, 1, 2, 0);
    roster.add(b, 2, 2, 0);
    roster.enqueue(Task.single(1, "noop", ValueCodec.encode(Json.read("{}"))));
    roster.assign();
    assertTrue(roster.complete(a, 1, 30)); // no-ops are short now; primes chunks are unknown, so long
    for (long i = 10; i < 26; i++) {
      roster.enqueue(Task.chunk(i, "primes", ValueCodec.encode(Json.read("[{\"n\":1000}]"))));
    }
    java.util.Map<Object, Integer> counts = new java.util.HashMap<>();
    roster.assign().forEach(x -> counts.put(x.worker().ref, x.tasks().size()));
    assertEquals(java.util.Map.of(a, 2, b, 2), counts, "each worker its capacity, not a deep queue of long chunks");
    assertEquals(12, roster.queued());

    WorkerRoster noops = new WorkerRoster();
    noops.add(a, 1, 2, 0);
    noops.add(b, 2, 2, 0);
    noops.enqueue(task(1));
    noops.assign();
    assertTrue(noops.complete(a, 1, 30));
    for (long i = 10; i < 30; i++) {
      noops.enqueue(task(i));
    }
    counts.clear();
    noops.assign().forEach(x -> counts.put(x.worker().ref, x.tasks().size()));
    assertEquals(java.util.Map.of(a, 10, b, 10), counts, "short tasks: wide windows, each worker its fair share of 20");
  }
}
