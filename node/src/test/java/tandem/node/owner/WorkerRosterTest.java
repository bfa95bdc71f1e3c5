package tandem.node.owner;

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
    return Task.single(id, "square", "{\"x\":1}");
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
  @DisplayName("a worker whose tasks take under a millisecond may hold 8 x its capacity; once they take longer, its capacity again")
  void shortTasksWidenTheWindow() {
    WorkerRoster roster = new WorkerRoster();
    roster.add(a, 1, 2, 0);
    for (long i = 1; i <= 100; i++) {
      roster.enqueue(task(i));
    }
    assertEquals(2, roster.assign().get(0).tasks().size(), "a new worker gets its capacity");
    assertTrue(roster.complete(a, 1, 40));
    assertTrue(roster.complete(a, 2, 40));
    assertEquals(16, roster.assign().get(0).tasks().size(), "short tasks: 8 x 2 in flight");
    for (long id = 3; id <= 18; id++) {
      assertTrue(roster.complete(a, id, 50_000));
    }
    assertEquals(2, roster.assign().get(0).tasks().size(), "long tasks again: back to its capacity");
  }

  @Test
  @DisplayName("a worker of short tasks holds no more than its fair share: 16 long chunks after no-ops split 8 and 2, and a grows no further while b works through the rest")
  void shortTaskWindowKeepsToAFairShare() {
    WorkerRoster roster = new WorkerRoster();
    roster.add(a, 1, 2, 0);
    roster.add(b, 2, 2, 0);
    roster.enqueue(task(1));
    roster.assign();
    assertTrue(roster.complete(a, 1, 30)); // a has run a no-op: its window is wide; b's is not
    for (long i = 10; i < 26; i++) {
      roster.enqueue(task(i));
    }
    var assigned = roster.assign();
    java.util.Map<Object, Integer> counts = new java.util.HashMap<>();
    assigned.forEach(x -> counts.put(x.worker().ref, x.tasks().size()));
    assertEquals(8, counts.get(a), counts.toString());
    assertEquals(2, counts.get(b), counts.toString());
    assertEquals(6, roster.queued());
    // b ends one of its (long) tasks: it takes the next; a, holding its share, takes none more
    long first = assigned.stream().filter(x -> x.worker().ref.equals(b)).findFirst().orElseThrow().tasks().get(0).taskId();
    assertTrue(roster.complete(b, first, 300_000));
    var next = roster.assign();
    assertEquals(1, next.size(), next.toString());
    assertEquals(b, next.get(0).worker().ref);
    assertEquals(1, next.get(0).tasks().size());
  }
}
