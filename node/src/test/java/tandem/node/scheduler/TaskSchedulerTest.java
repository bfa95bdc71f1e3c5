package tandem.node.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.typed.ClusterCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import tandem.node.WireSettings;
import tandem.node.jobs.JobCatalog;
import tandem.node.threads.ThreadRunner;
import tandem.node.worker.TaskRunner;
import tandem.protocol.ValueCodec;
import tandem.protocol.WorkerProtocol;
import tandem.protocol.api.Json;
import tandem.protocol.WorkerProtocol.Task;
import tandem.protocol.WorkerProtocol.TaskResult;

/** The scheduler's contract: tasks in with a replyTo; Started, Ended and Lost out, per owner. */
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskSchedulerTest {
  private final ActorTestKit kit = ActorTestKit.create("TaskSchedulerTest");
  private ActorRef<TaskScheduler.Command> scheduler;

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  @AfterEach
  void stopScheduler() {
    kit.stop(scheduler);
  }

  private ActorRef<TaskScheduler.Command> scheduler() {
    TestProbe<ClusterCommand> membership = kit.createTestProbe();
    ActorRef<ThreadRunner.Command> threads = kit.spawn(ThreadRunner.create(new TaskRunner(JobCatalog.load(), 64L << 20, null)));
    scheduler = kit.spawn(TaskScheduler.create(new WireSettings(64L << 20, 1000, 1000), Duration.ofMillis(300), threads, membership.ref()));
    return scheduler;
  }

  /** A worker stand-in that offered {@code capacity} slots at the scheduler's door. */
  private TestProbe<WorkerProtocol.ToWorker> worker(ActorRef<TaskScheduler.Command> scheduler, long pid, int capacity) {
    TestProbe<WorkerProtocol.ToWorker> worker = kit.createTestProbe();
    scheduler.tell(TaskScheduler.fromWorker(new WorkerProtocol.WorkerReady(worker.ref(), pid, capacity, (int) pid)));
    return worker;
  }

  private static Task task(long id) {
    return Task.single(id, "square", ValueCodec.encode(Json.object().put("x", id)));
  }

  @Test
  @DisplayName("each owner hears of its own tasks: started on which worker, then ended with the result")
  void tellsEachOwner() {
    ActorRef<TaskScheduler.Command> scheduler = scheduler();
    TestProbe<TaskScheduler.FleetChanged> fleet = kit.createTestProbe();
    scheduler.tell(new TaskScheduler.FollowFleet(fleet.ref()));
    assertEquals(0, fleet.receiveMessage().workers());
    TestProbe<WorkerProtocol.ToWorker> worker = worker(scheduler, 77, 4);
    assertEquals(1, fleet.receiveMessage().workers());
    TestProbe<TaskScheduler.Event> a = kit.createTestProbe();
    TestProbe<TaskScheduler.Event> b = kit.createTestProbe();
    scheduler.tell(TaskScheduler.Enqueue.of(List.of(task(1), task(2)), false, a.ref()));
    scheduler.tell(TaskScheduler.Enqueue.of(List.of(task(3)), false, b.ref()));
    List<Long> sent = new java.util.ArrayList<>();
    while (sent.size() < 3) {
      assertInstanceOf(WorkerProtocol.RunTasks.class, worker.receiveMessage()).tasks().forEach(t -> sent.add(t.taskId()));
    }
    assertEquals(List.of(1L, 2L, 3L), sent);
    TaskScheduler.Started started = assertInstanceOf(TaskScheduler.Started.class, a.receiveMessage());
    assertEquals(77, started.pid());
    assertTrue(started.taskIds().contains(1L), "its own tasks only: " + started.taskIds());
    scheduler.tell(TaskScheduler.fromWorker(new WorkerProtocol.TasksDone(worker.ref(), List.of(
        TaskResult.succeeded(3, ValueCodec.encode(Json.NODES.numberNode(9)), "compute-1", 5),
        TaskResult.succeeded(1, ValueCodec.encode(Json.NODES.numberNode(1)), "compute-1", 5)))));
    assertInstanceOf(TaskScheduler.Started.class, b.receiveMessage());
    TaskScheduler.Ended forB = assertInstanceOf(TaskScheduler.Ended.class, b.receiveMessage());
    assertEquals(9, ValueCodec.decode(forB.results().get(0).result()).asInt());
    TaskScheduler.Event next = a.receiveMessage();
    while (next instanceof TaskScheduler.Started) {
      next = a.receiveMessage();
    }
    assertEquals(1, assertInstanceOf(TaskScheduler.Ended.class, next).results().size(), "only its own task");
  }

  @Test
  @DisplayName("a lost worker's tasks go back to their owner, who may enqueue them ahead of the rest")
  void reportsLostTasks() {
    ActorRef<TaskScheduler.Command> scheduler = scheduler();
    TestProbe<WorkerProtocol.ToWorker> first = worker(scheduler, 41, 1);
    TestProbe<TaskScheduler.Event> owner = kit.createTestProbe();
    scheduler.tell(TaskScheduler.Enqueue.of(List.of(task(10), task(11)), false, owner.ref()));
    assertEquals(10, first.expectMessageClass(WorkerProtocol.RunTasks.class).tasks().get(0).taskId());
    assertInstanceOf(TaskScheduler.Started.class, owner.receiveMessage());
    scheduler.tell(new TaskScheduler.LocalWorkerExited(41, true));
    TaskScheduler.Lost lost = assertInstanceOf(TaskScheduler.Lost.class, owner.receiveMessage());
    assertEquals(List.of(10L), lost.tasks().stream().map(Task::taskId).toList());
    assertEquals(java.util.Set.of(10L), lost.outOfMemory(), "it ran the task when its worker ran out of memory");
    scheduler.tell(new TaskScheduler.Enqueue(lost.tasks(), false, true, owner.ref()));
    TestProbe<WorkerProtocol.ToWorker> second = worker(scheduler, 42, 1);
    assertEquals(10, second.expectMessageClass(WorkerProtocol.RunTasks.class).tasks().get(0).taskId(),
        "the retry goes ahead of the task that waited");
  }

  @Test
  @DisplayName("a cancelled task leaves the queue or is cancelled on its worker, and its owner hears nothing more")
  void cancels() {
    ActorRef<TaskScheduler.Command> scheduler = scheduler();
    TestProbe<WorkerProtocol.ToWorker> worker = worker(scheduler, 51, 1);
    TestProbe<TaskScheduler.Event> owner = kit.createTestProbe();
    scheduler.tell(TaskScheduler.Enqueue.of(List.of(task(20), task(21)), false, owner.ref()));
    worker.expectMessageClass(WorkerProtocol.RunTasks.class);
    owner.expectMessageClass(TaskScheduler.Started.class);
    scheduler.tell(new TaskScheduler.Cancel(List.of(20L, 21L)));
    assertEquals(List.of(20L), worker.expectMessageClass(WorkerProtocol.CancelTasks.class).taskIds());
    scheduler.tell(TaskScheduler.fromWorker(new WorkerProtocol.TasksDone(worker.ref(),
        List.of(TaskResult.failed(20, "cancelled", "compute-1", 1)))));
    owner.expectNoMessage(Duration.ofMillis(200));
    worker.expectNoMessage(Duration.ofMillis(100)); // 21 never goes out
  }

  @Test
  @DisplayName("a worker that ignores a cancel for the grace period is halted")
  void haltsStuckWorkers() {
    ActorRef<TaskScheduler.Command> scheduler = scheduler();
    TestProbe<WorkerProtocol.ToWorker> worker = worker(scheduler, 61, 1);
    TestProbe<TaskScheduler.Event> owner = kit.createTestProbe();
    scheduler.tell(TaskScheduler.Enqueue.of(List.of(task(30)), false, owner.ref()));
    worker.expectMessageClass(WorkerProtocol.RunTasks.class);
    scheduler.tell(new TaskScheduler.Cancel(List.of(30L)));
    worker.expectMessageClass(WorkerProtocol.CancelTasks.class);
    WorkerProtocol.Halt halt = worker.expectMessageClass(WorkerProtocol.Halt.class, Duration.ofSeconds(2));
    assertTrue(halt.reason().contains("ignored their cancel"), halt.reason());
  }

  @Test
  @DisplayName("tasks for the node's threads run there and end like any other")
  void runsOnThreads() {
    ActorRef<TaskScheduler.Command> scheduler = scheduler();
    TestProbe<TaskScheduler.Event> owner = kit.createTestProbe();
    scheduler.tell(TaskScheduler.Enqueue.of(List.of(task(7)), true, owner.ref()));
    TaskScheduler.Ended ended = assertInstanceOf(TaskScheduler.Ended.class, owner.receiveMessage(Duration.ofSeconds(5)));
    assertEquals(49, ValueCodec.decode(ended.results().get(0).result()).asInt());
  }
}
