package tandem.node.owner;

import tandem.node.Reduce;
import tandem.protocol.api.JobState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterCommand;
import org.apache.pekko.cluster.typed.Down;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import tandem.protocol.api.Json;
import tandem.node.NodeSettings;
import tandem.node.WireSettings;
import tandem.node.io.IoRunner;
import tandem.node.io.NodeIoContext;
import tandem.node.jobs.JobCatalog;
import tandem.node.scheduler.TaskScheduler;
import tandem.node.threads.ThreadRunner;
import tandem.node.worker.TaskRunner;
import tandem.protocol.ChunkForm;
import tandem.protocol.ValueCodec;
import tandem.protocol.WorkerProtocol;

@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobManagerTest {
  private static final String ADDRESS = "pekko://tandem@127.0.0.1:2551";
  private final ActorTestKit kit = ActorTestKit.create("JobManagerTest");

  private final List<ActorRef<?>> spawned = new java.util.ArrayList<>();

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  /** Each test's actors stop with it, so the next test meets only its own. */
  @org.junit.jupiter.api.AfterEach
  void stopActors() {
    spawned.forEach(kit::stop);
    spawned.clear();
  }

  private NodeSettings settings(int retries) {
    return settings(retries, 100_000);
  }

  private NodeSettings settings(int retries, int maxQueued) {
    return new NodeSettings(0, Path.of("."), "127.0.0.1", 0, null, Duration.ofSeconds(30), 1 << 20, 100_000, retries, null, Duration.ofMillis(500), true, Duration.ofSeconds(2), maxQueued, 1000,
        new WireSettings(64L << 20, 1000, 1000), 512L << 20, Duration.ofMinutes(10));
  }

  /** The scheduler of the last JobManager made: it hears of local workers' exits. */
  private ActorRef<TaskScheduler.Command> scheduler;
  private ActorRef<WorkerProtocol.ToNode> inbox;

  /** Stands in for the cluster manager: receives the Down of a worker the OS saw die. */
  private TestProbe<ClusterCommand> membership;

  private ActorRef<JobManager.Command> jobManager(int retries) {
    return jobManager(settings(retries));
  }

  private ActorRef<JobManager.Command> jobManager(NodeSettings settings) {
    membership = kit.createTestProbe();
    ActorRef<IoRunner.Command> io = kit.spawn(IoRunner.create(new NodeIoContext(kit.system(), Path.of("."), 64L << 20), 64L << 20),
        DispatcherSelector.fromConfig("tandem.io-dispatcher"));
    // Behind its door, as the Guardian spawns it: workers offer themselves there.
    ActorRef<Object> door = kit.spawn(Behaviors.intercept(TaskScheduler::door,
        TaskScheduler.create(settings.wire(), settings.cancelGrace(), threads(), membership.ref())));
    scheduler = door.narrow();
    inbox = door.narrow();
    ActorRef<JobManager.Command> jobs = kit.spawn(JobManager.create(JobCatalog.load(), settings, io, scheduler, ADDRESS));
    spawned.add(io);
    spawned.add(scheduler);
    spawned.add(jobs);
    return jobs;
  }

  private ActorRef<ThreadRunner.Command> threads() {
    ActorRef<ThreadRunner.Command> threads = kit.spawn(ThreadRunner.create(new TaskRunner(JobCatalog.load(), 64L << 20, null)));
    spawned.add(threads);
    return threads;
  }

  /** A worker stand-in that has offered the JobManager {@code capacity} slots. */
  private TestProbe<WorkerProtocol.ToWorker> readyWorker(ActorRef<WorkerProtocol.ToNode> inbox, long pid, int capacity) {
    TestProbe<WorkerProtocol.ToWorker> worker = kit.createTestProbe();
    inbox.tell(new WorkerProtocol.WorkerReady(worker.ref(), pid, capacity, (int) pid));
    return worker;
  }

  /** Where a worker offers itself to the scheduler (a node's {@code WorkerProtocol.NODE_INBOX_PATH}). */
  private ActorRef<WorkerProtocol.ToNode> inbox() {
    return inbox;
  }

  private JobRecord submit(ActorRef<JobManager.Command> jobs, String job, String params) {
    TestProbe<JobProtocol.SubmitReply> reply = kit.createTestProbe();
    jobs.tell(new JobProtocol.Submit(job, (ObjectNode) Json.read(params), reply.ref()));
    return assertInstanceOf(JobProtocol.Accepted.class, reply.receiveMessage()).job();
  }

  private JobRecord awaitFinal(ActorRef<JobManager.Command> jobs, String id, Duration within) {
    TestProbe<JobProtocol.JobLookup> reply = kit.createTestProbe();
    jobs.tell(new JobProtocol.Watch(id, reply.ref()));
    return reply.receiveMessage(within).job().orElseThrow();
  }

  @Test
  @DisplayName("a CPU job goes to a worker with a free slot, and its result comes back once")
  void cpuJobsGoToWorkers() {
    ActorRef<JobManager.Command> jobs = jobManager(3);
    ActorRef<WorkerProtocol.ToNode> inbox = inbox();
    TestProbe<WorkerProtocol.ToWorker> worker = readyWorker(inbox, 4242, 2);

    JobRecord accepted = submit(jobs, "square", "{\"x\":12}");
    assertEquals(JobState.QUEUED, accepted.state());
    var run = assertInstanceOf(WorkerProtocol.RunTasks.class, worker.receiveMessage());
    assertEquals(4242, run.nodeNo(), "the node names itself by the number the worker gave it");
    WorkerProtocol.Task task = run.tasks().get(0);
    assertEquals("square", task.job());
    var result = WorkerProtocol.TaskResult.succeeded(task.taskId(), ValueCodec.encode(Json.read("144")), "compute-1", 7);
    inbox.tell(new WorkerProtocol.TasksDone(worker.ref(), List.of(result)));
    inbox.tell(new WorkerProtocol.TasksDone(worker.ref(), List.of(result))); // a duplicate is ignored

    JobRecord done = awaitFinal(jobs, accepted.id(), Duration.ofSeconds(3));
    assertEquals(JobState.SUCCEEDED, done.state());
    assertEquals("144", done.result());
    assertEquals(new RanOn("worker", worker.ref().path().address().toString(), 4242, "compute-1"), done.ranOn());
  }

  @Test
  @DisplayName("a job whose worker dies is retried on another worker, and the dead worker's late result is ignored")
  void lostWorkersJobsAreRetried() {
    ActorRef<JobManager.Command> jobs = jobManager(3);
    ActorRef<WorkerProtocol.ToNode> inbox = inbox();
    TestProbe<WorkerProtocol.ToWorker> first = readyWorker(inbox, 111, 1);
    JobRecord accepted = submit(jobs, "spin", "{\"ms\":1}");
    long taskId = first.expectMessageClass(WorkerProtocol.RunTasks.class).tasks().get(0).taskId();

    scheduler.tell(new TaskScheduler.LocalWorkerExited(111));
    assertEquals(new Down(first.ref().path().address()), membership.receiveMessage(), "the dead worker is downed at once");
    TestProbe<WorkerProtocol.ToWorker> second = readyWorker(inbox, 222, 1);
    second.expectMessageClass(WorkerProtocol.RunTasks.class);
    inbox.tell(new WorkerProtocol.TasksDone(first.ref(), List.of(WorkerProtocol.TaskResult.succeeded(taskId, ValueCodec.encode(Json.read("1")), "late", 1))));
    inbox.tell(new WorkerProtocol.TasksDone(second.ref(), List.of(WorkerProtocol.TaskResult.succeeded(taskId, ValueCodec.encode(Json.read("2")), "t", 1))));

    JobRecord done = awaitFinal(jobs, accepted.id(), Duration.ofSeconds(3));
    assertEquals("2", done.result(), "only the live worker's result counts");
    assertEquals(2, done.attempts());
    assertEquals(222, done.ranOn().pid());
  }

  @Test
  @DisplayName("a job that keeps losing its worker fails with a reason instead of hanging")
  void poisonJobsFail() {
    ActorRef<JobManager.Command> jobs = jobManager(1);
    ActorRef<WorkerProtocol.ToNode> inbox = inbox();
    JobRecord accepted = submit(jobs, "spin", "{\"ms\":1}");
    for (int pid = 1; pid <= 2; pid++) {
      TestProbe<WorkerProtocol.ToWorker> worker = kit.createTestProbe();
      inbox.tell(new WorkerProtocol.WorkerReady(worker.ref(), pid, 1, 0));
      worker.expectMessageClass(WorkerProtocol.RunTasks.class);
      scheduler.tell(new TaskScheduler.LocalWorkerExited(pid));
    }
    JobRecord done = awaitFinal(jobs, accepted.id(), Duration.ofSeconds(3));
    assertEquals(JobState.FAILED, done.state());
    assertEquals("worker lost 2 times while running this job", done.error());
  }

  private static final String OUT_OF_MEMORY =
      "ran out of memory in a worker (heap 512 MB): raise tandem.worker.heap or make the job smaller";

  @Test
  @DisplayName("a job that runs its worker out of memory goes to one more worker, then fails saying so; the task queued behind it is only retried")
  void outOfMemoryJobsKillTwoWorkersAtMost() {
    ActorRef<JobManager.Command> jobs = jobManager(3);
    ActorRef<WorkerProtocol.ToNode> inbox = inbox();
    JobRecord hog = submit(jobs, "spin", "{\"ms\":1}");
    JobRecord behind = submit(jobs, "spin", "{\"ms\":2}");
    for (int pid = 41; pid <= 42; pid++) {
      TestProbe<WorkerProtocol.ToWorker> worker = readyWorker(inbox, pid, 2);
      List<Long> sent = worker.expectMessageClass(WorkerProtocol.RunTasks.class).tasks().stream()
          .map(WorkerProtocol.Task::taskId).toList();
      assertEquals(List.of(hog.seq(), behind.seq()), sent, "the one that ran it out of memory goes first, the other prefetched");
      scheduler.tell(new TaskScheduler.LocalWorkerExited(pid, true));
    }
    JobRecord failed = awaitFinal(jobs, hog.id(), Duration.ofSeconds(3));
    assertEquals(JobState.FAILED, failed.state());
    assertEquals(OUT_OF_MEMORY, failed.error());
    assertEquals(2, failed.attempts());

    TestProbe<WorkerProtocol.ToWorker> third = readyWorker(inbox, 43, 2);
    WorkerProtocol.Task task = third.expectMessageClass(WorkerProtocol.RunTasks.class).tasks().get(0);
    assertEquals(behind.seq(), task.taskId(), "the prefetched job was not charged with the memory");
    inbox.tell(new WorkerProtocol.TasksDone(third.ref(), List.of(WorkerProtocol.TaskResult.succeeded(task.taskId(), ValueCodec.encode(Json.read("2")), "t", 2_000))));
    assertEquals(JobState.SUCCEEDED, awaitFinal(jobs, behind.id(), Duration.ofSeconds(3)).state());
  }

  @Test
  @DisplayName("a chunk running when its worker ran out of memory is split; the element that does it again fails saying so, the others succeed")
  void outOfMemoryInAChunk() {
    ActorRef<JobManager.Command> jobs = jobManager(3);
    ActorRef<WorkerProtocol.ToNode> inbox = inbox();
    TestProbe<WorkerProtocol.ToWorker> first = readyWorker(inbox, 51, 1);
    JobRecord map = submitMap(jobs, 2, 2, null);
    assertEquals(2, ValueCodec.decode(first.expectMessageClass(WorkerProtocol.RunTasks.class).tasks().get(0).params()).size());
    scheduler.tell(new TaskScheduler.LocalWorkerExited(51, true));

    TestProbe<WorkerProtocol.ToWorker> second = readyWorker(inbox, 52, 1);
    assertEquals(0, onlyElement(second.expectMessageClass(WorkerProtocol.RunTasks.class).tasks().get(0)));
    scheduler.tell(new TaskScheduler.LocalWorkerExited(52, true));

    TestProbe<WorkerProtocol.ToWorker> third = readyWorker(inbox, 53, 1);
    answerSquare(inbox, third, third.expectMessageClass(WorkerProtocol.RunTasks.class).tasks().get(0));
    JobRecord done = awaitFinal(jobs, map.id(), Duration.ofSeconds(3));
    assertEquals("[null,1]", done.result());
    assertEquals("1 of 2 elements failed; the first: element 0: " + OUT_OF_MEMORY, done.error());
  }

  @Test
  @DisplayName("1,000 one-second sleeps run at once on a few I/O threads: waiting holds no thread")
  void ioJobsNeverHoldAThread() {
    ActorRef<JobManager.Command> jobs = jobManager(3);
    long start = System.nanoTime();
    List<JobRecord> accepted = new java.util.ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      accepted.add(submit(jobs, "sleep", "{\"ms\":1000}"));
    }
    Set<String> threads = new HashSet<>();
    for (JobRecord job : accepted) {
      JobRecord done = awaitFinal(jobs, job.id(), Duration.ofSeconds(10));
      assertEquals(JobState.SUCCEEDED, done.state());
      assertEquals("node", done.ranOn().role());
      threads.add(done.ranOn().thread());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    assertTrue(seconds < 5, "1,000 concurrent 1 s sleeps took " + seconds + " s");
    assertTrue(threads.size() <= 4, "sleeps were started on " + threads.size() + " threads: " + threads);
    assertTrue(threads.stream().allMatch(t -> t.contains("io-dispatcher")), threads.toString());
  }

  private JobProtocol.CancelReply cancel(ActorRef<JobManager.Command> jobs, String id) {
    TestProbe<JobProtocol.CancelReply> reply = kit.createTestProbe();
    jobs.tell(new JobProtocol.Cancel(id, reply.ref()));
    return reply.receiveMessage();
  }

  @Test
  @DisplayName("a cancelled queued job never starts; a running one is stopped on its worker, whose slot then frees")
  void cancelsCpuJobs() {
    ActorRef<JobManager.Command> jobs = jobManager(3);
    ActorRef<WorkerProtocol.ToNode> inbox = inbox();
    JobRecord queued = submit(jobs, "spin", "{\"ms\":60000}");
    JobProtocol.CancelReply first = cancel(jobs, queued.id());
    assertTrue(first.cancelled());
    assertEquals(JobState.CANCELLED, first.job().orElseThrow().state());
    assertEquals("cancelled by request while queued", first.job().orElseThrow().error());

    TestProbe<WorkerProtocol.ToWorker> worker = readyWorker(inbox, 7, 1);
    JobRecord running = submit(jobs, "spin", "{\"ms\":60000}");
    long taskId = worker.expectMessageClass(WorkerProtocol.RunTasks.class).tasks().get(0).taskId();
    assertTrue(cancel(jobs, running.id()).cancelled());
    assertEquals(List.of(taskId), worker.expectMessageClass(WorkerProtocol.CancelTasks.class).taskIds());
    JobRecord next = submit(jobs, "square", "{\"x\":2}");
    worker.expectNoMessage(Duration.ofMillis(200)); // the slot is still taken until the worker reports
    inbox.tell(new WorkerProtocol.TasksDone(worker.ref(), List.of(WorkerProtocol.TaskResult.failed(taskId, "cancelled", "", 0))));
    assertEquals(next.seq(), worker.expectMessageClass(WorkerProtocol.RunTasks.class).tasks().get(0).taskId());
    assertEquals(JobState.CANCELLED, awaitFinal(jobs, running.id(), Duration.ofSeconds(1)).state());
    assertFalse(cancel(jobs, running.id()).cancelled(), "a final job is not cancelled again");
    assertTrue(cancel(jobs, "nope-1").job().isEmpty());
  }

  @Test
  @DisplayName("a cancelled I/O job ends at once")
  void cancelsIoJobs() {
    ActorRef<JobManager.Command> jobs = jobManager(3);
    JobRecord sleeping = submit(jobs, "sleep", "{\"ms\":60000}");
    assertTrue(cancel(jobs, sleeping.id()).cancelled());
    JobRecord done = awaitFinal(jobs, sleeping.id(), Duration.ofSeconds(1));
    assertEquals(JobState.CANCELLED, done.state());
    assertEquals("cancelled by request while running", done.error());
  }

  private JobRecord submitMap(ActorRef<JobManager.Command> jobs, int elements, int chunk, Reduce reduce) {
    return submitMap(jobs, elements, chunk, reduce, false);
  }

  private JobRecord submitMap(ActorRef<JobManager.Command> jobs, int elements, int chunk, Reduce reduce, boolean failFast) {
    TestProbe<JobProtocol.SubmitReply> reply = kit.createTestProbe();
    List<ObjectNode> inputs = new java.util.ArrayList<>();
    for (int i = 0; i < elements; i++) {
      inputs.add(Json.object().put("x", i));
    }
    jobs.tell(new JobProtocol.SubmitMap("square", Json.object(), inputs, chunk, reduce, failFast, reply.ref()));
    return assertInstanceOf(JobProtocol.Accepted.class, reply.receiveMessage()).job();
  }

  /** Answers every chunk the worker gets: x squared, except that element 3 fails. */
  private static void answerChunks(TestProbe<WorkerProtocol.ToWorker> worker, ActorRef<WorkerProtocol.ToNode> inbox, int chunks) {
    for (int c = 0; c < chunks; c++) {
      for (WorkerProtocol.Task task : worker.expectMessageClass(WorkerProtocol.RunTasks.class).tasks()) {
        answer(worker, inbox, task);
      }
    }
  }

  /**
   * Answers one chunk as a worker would: x squared per element, "three is unlucky" for x = 3,
   * folded when the chunk asks for a fold; returns how many elements it held.
   */
  private static int answer(TestProbe<WorkerProtocol.ToWorker> worker, ActorRef<WorkerProtocol.ToNode> inbox,
      WorkerProtocol.Task task) {
    assertTrue(task.chunk());
    var chunk = ValueCodec.decode(task.params());
    String foldName = ChunkForm.fold(chunk);
    Reduce.Fold fold = foldName == null ? null : new Reduce.Fold(Reduce.parse(foldName));
    var outcomes = Json.NODES.arrayNode();
    int i = 0;
    long ok = 0;
    for (var elements = ChunkForm.elements(chunk); elements.hasNext(); i++) {
      long x = elements.next().get("x").asLong();
      if (x == 3) {
        if (fold == null) {
          outcomes.addObject().put("error", "three is unlucky");
        } else {
          outcomes.addArray().add(i).add("three is unlucky");
        }
      } else if (fold == null) {
        outcomes.addObject().put("ok", x * x);
      } else {
        fold.add(Json.NODES.numberNode(x * x));
        ok++;
      }
    }
    var result = fold == null ? outcomes
        : Json.object().<com.fasterxml.jackson.databind.node.ObjectNode>set("fold", fold.value()).put("ok", ok).set("errors", outcomes);
    inbox.tell(new WorkerProtocol.TasksDone(worker.ref(),
        // 5 ms: long enough that the worker keeps its capacity of one, so chunks go out one by one
        List.of(WorkerProtocol.TaskResult.succeeded(task.taskId(), ValueCodec.encode(result), "t", 5_000))));
    return i;
  }

  @Test
  @DisplayName("a map runs in chunks, keeps results in input order, and reports a failed element by index")
  void mapsInChunks() {
    ActorRef<JobManager.Command> jobs = jobManager(3);
    ActorRef<WorkerProtocol.ToNode> inbox = inbox();
    TestProbe<WorkerProtocol.ToWorker> worker = readyWorker(inbox, 9, 1);
    JobRecord map = submitMap(jobs, 5, 2, null);
    assertEquals(new MapView(5, 0, 0, 2, null, List.of()), map.map());
    answerChunks(worker, inbox, 3);
    JobRecord done = awaitFinal(jobs, map.id(), Duration.ofSeconds(3));
    assertEquals(JobState.FAILED, done.state());
    assertEquals("[0,1,4,null,16]", done.result());
    assertEquals("1 of 5 elements failed; the first: element 3: three is unlucky", done.error());
    assertEquals(List.of(new MapView.ElementError(3, "three is unlucky")), done.map().errors());
    assertEquals(4, done.map().done());

    JobRecord summed = submitMap(jobs, 3, 0, Reduce.SUM);
    assertEquals(1, summed.map().chunk(), "about four chunks per worker: one element each here");
    answerChunks(worker, inbox, 3);
    assertEquals("5", awaitFinal(jobs, summed.id(), Duration.ofSeconds(3)).result());
  }

  /** The one element a task of a split chunk carries. */
  private static int onlyElement(WorkerProtocol.Task task) {
    var params = ValueCodec.decode(task.params());
    assertTrue(task.chunk());
    assertEquals(1, params.size(), "a lost chunk's elements come back one per task: " + task.params());
    return params.get(0).get("x").asInt();
  }

  private static void answerSquare(ActorRef<WorkerProtocol.ToNode> inbox, TestProbe<WorkerProtocol.ToWorker> worker, WorkerProtocol.Task task) {
    int x = onlyElement(task);
    inbox.tell(new WorkerProtocol.TasksDone(worker.ref(), List.of(
        WorkerProtocol.TaskResult.succeeded(task.taskId(), ValueCodec.encode(Json.read("[{\"ok\":" + (x * x) + "}]")), "t", 5_000))));
  }

  @Test
  @DisplayName("a lost chunk's elements are retried each on its own task, and each fails only when it was lost more than its retries")
  void lostChunksSplitIntoElements() {
    ActorRef<JobManager.Command> jobs = jobManager(1);
    ActorRef<WorkerProtocol.ToNode> inbox = inbox();
    TestProbe<WorkerProtocol.ToWorker> first = readyWorker(inbox, 31, 1);
    JobRecord map = submitMap(jobs, 4, 4, null);
    var chunk = first.expectMessageClass(WorkerProtocol.RunTasks.class).tasks();
    assertEquals(1, chunk.size());
    assertEquals(4, ValueCodec.decode(chunk.get(0).params()).size(), "one chunk of four");
    scheduler.tell(new TaskScheduler.LocalWorkerExited(31));

    // Element 0 goes first, alone, and loses its worker a second time: it alone is out of retries.
    TestProbe<WorkerProtocol.ToWorker> second = readyWorker(inbox, 32, 1);
    assertEquals(0, onlyElement(second.expectMessageClass(WorkerProtocol.RunTasks.class).tasks().get(0)));
    scheduler.tell(new TaskScheduler.LocalWorkerExited(32));

    TestProbe<WorkerProtocol.ToWorker> third = readyWorker(inbox, 33, 3);
    List<WorkerProtocol.Task> rest = third.expectMessageClass(WorkerProtocol.RunTasks.class).tasks();
    assertEquals(List.of(1, 2, 3), rest.stream().map(JobManagerTest::onlyElement).toList(), "in input order");
    rest.forEach(task -> answerSquare(inbox, third, task));

    JobRecord done = awaitFinal(jobs, map.id(), Duration.ofSeconds(3));
    assertEquals("[null,1,4,9]", done.result());
    assertEquals("1 of 4 elements failed; the first: element 0: worker lost 2 times while running this element", done.error());
    assertEquals(3, done.map().done());
  }

  @Test
  @DisplayName("a map's settled elements can be read while it runs; a reader waiting for news is answered when a chunk settles")
  void streamsMapResults() {
    ActorRef<JobManager.Command> jobs = jobManager(3);
    ActorRef<WorkerProtocol.ToNode> inbox = inbox();
    TestProbe<WorkerProtocol.ToWorker> worker = readyWorker(inbox, 9, 1);
    JobRecord map = submitMap(jobs, 4, 2, null);
    TestProbe<JobProtocol.MapEntries> reader = kit.createTestProbe();
    jobs.tell(new JobProtocol.MapResults(map.id(), 0, reader.ref()));
    reader.expectNoMessage(Duration.ofMillis(200)); // nothing settled yet: the request waits
    answerChunks(worker, inbox, 1);
    JobProtocol.MapEntries first = reader.receiveMessage();
    assertEquals("[{\"index\":0,\"result\":0},{\"index\":1,\"result\":1}]", first.entries());
    assertEquals(2, first.next());
    assertEquals(JobState.RUNNING, first.job().orElseThrow().state());
    answerChunks(worker, inbox, 1);
    // The last chunk's result reaches the map through the scheduler: a request may come before it,
    // and is answered with the last entries while the map is still being concluded.
    JobProtocol.MapEntries last = first;
    for (int asks = 0; asks < 5 && !last.job().orElseThrow().state().isFinal(); asks++) {
      jobs.tell(new JobProtocol.MapResults(map.id(), last.next(), reader.ref()));
      last = reader.receiveMessage();
    }
    assertTrue(last.job().orElseThrow().state().isFinal(), "the map ended: its job holds every result");
    assertEquals("[0,1,4,null]", last.job().orElseThrow().result());
  }

  @Test
  @DisplayName("with fail-fast, the first failed element ends the map and its other chunks are dropped or cancelled")
  void failFastStopsMaps() {
    ActorRef<JobManager.Command> jobs = jobManager(3);
    ActorRef<WorkerProtocol.ToNode> inbox = inbox();
    TestProbe<WorkerProtocol.ToWorker> worker = readyWorker(inbox, 9, 1);
    JobRecord map = submitMap(jobs, 8, 2, null, true);
    answerChunks(worker, inbox, 2); // elements 0..3: element 3 fails
    JobRecord done = awaitFinal(jobs, map.id(), Duration.ofSeconds(3));
    assertEquals(JobState.FAILED, done.state());
    assertEquals("stopped at the first failure (--fail-fast): element 3: three is unlucky", done.error());
    // The scheduler may hand the freed slot the next chunk before it hears of the failure; that one
    // is cancelled at once, and the last chunk never goes out.
    List<WorkerProtocol.ToWorker> after = new java.util.ArrayList<>();
    while (true) {
      try {
        after.add(worker.receiveMessage(Duration.ofMillis(300)));
      } catch (AssertionError quiet) {
        break;
      }
    }
    List<Long> sent = after.stream().filter(m -> m instanceof WorkerProtocol.RunTasks)
        .flatMap(m -> ((WorkerProtocol.RunTasks) m).tasks().stream()).map(WorkerProtocol.Task::taskId).toList();
    List<Long> cancelled = after.stream().filter(m -> m instanceof WorkerProtocol.CancelTasks)
        .flatMap(m -> ((WorkerProtocol.CancelTasks) m).taskIds().stream()).toList();
    assertTrue(sent.size() <= 1 && cancelled.containsAll(sent), "sent " + sent + ", cancelled " + cancelled);
  }

  @Test
  @DisplayName("cancelling a map drops its queued chunks and stops its running ones")
  void cancelsMaps() {
    ActorRef<JobManager.Command> jobs = jobManager(3);
    ActorRef<WorkerProtocol.ToNode> inbox = inbox();
    TestProbe<WorkerProtocol.ToWorker> worker = readyWorker(inbox, 9, 1);
    JobRecord map = submitMap(jobs, 10, 1, null);
    long running = worker.expectMessageClass(WorkerProtocol.RunTasks.class).tasks().get(0).taskId();
    assertTrue(cancel(jobs, map.id()).cancelled());
    assertEquals(List.of(running), worker.expectMessageClass(WorkerProtocol.CancelTasks.class).taskIds());
    inbox.tell(new WorkerProtocol.TasksDone(worker.ref(), List.of(WorkerProtocol.TaskResult.failed(running, "cancelled", "", 0))));
    worker.expectNoMessage(Duration.ofMillis(300)); // no queued chunk of the map is sent after it
    assertEquals(JobState.CANCELLED, awaitFinal(jobs, map.id(), Duration.ofSeconds(1)).state());
  }

  @Test
  @DisplayName("unknown jobs and bad parameters are refused with a one-line reason")
  void badSubmissionsAreRefused() {
    ActorRef<JobManager.Command> jobs = jobManager(3);
    TestProbe<JobProtocol.SubmitReply> reply = kit.createTestProbe();
    jobs.tell(new JobProtocol.Submit("nope", Json.object(), reply.ref()));
    var rejected = assertInstanceOf(JobProtocol.Rejected.class, reply.receiveMessage());
    assertTrue(rejected.reason().contains("known jobs: ") && rejected.reason().contains("factorial"), rejected.reason());
    jobs.tell(new JobProtocol.Submit("sleep", (ObjectNode) Json.read("{\"ms\":\"soon\"}"), reply.ref()));
    assertInstanceOf(JobProtocol.Rejected.class, reply.receiveMessage());
  }

  private JobRecord submit(ActorRef<JobManager.Command> jobs, String job, String params, JobOptions options) {
    TestProbe<JobProtocol.SubmitReply> reply = kit.createTestProbe();
    jobs.tell(new JobProtocol.Submit(job, (ObjectNode) Json.read(params), options, reply.ref()));
    return assertInstanceOf(JobProtocol.Accepted.class, reply.receiveMessage()).job();
  }

  @Test
  @DisplayName("a cancelled CPU job that ignores its interrupt past the grace period gets its worker halted")
  void stuckCancelledJobsHaltTheirWorker() {
    ActorRef<JobManager.Command> jobs = jobManager(3);
    ActorRef<WorkerProtocol.ToNode> inbox = inbox();
    TestProbe<WorkerProtocol.ToWorker> worker = readyWorker(inbox, 4242, 1);
    JobRecord accepted = submit(jobs, "spin", "{\"ms\":60000}");
    long taskId = worker.expectMessageClass(WorkerProtocol.RunTasks.class).tasks().get(0).taskId();

    TestProbe<JobProtocol.CancelReply> cancel = kit.createTestProbe();
    jobs.tell(new JobProtocol.Cancel(accepted.id(), cancel.ref()));
    assertEquals(JobState.CANCELLED, cancel.receiveMessage().job().orElseThrow().state(), "cancelled at once");
    assertEquals(List.of(taskId), worker.expectMessageClass(WorkerProtocol.CancelTasks.class).taskIds());
    var halt = worker.expectMessageClass(WorkerProtocol.Halt.class, Duration.ofSeconds(2));
    assertTrue(halt.reason().contains("ignored their cancel"), halt.reason());
  }

  @Test
  @DisplayName("a job that stops when cancelled keeps its worker")
  void cooperativeCancelKeepsTheWorker() {
    ActorRef<JobManager.Command> jobs = jobManager(3);
    ActorRef<WorkerProtocol.ToNode> inbox = inbox();
    TestProbe<WorkerProtocol.ToWorker> worker = readyWorker(inbox, 4242, 1);
    JobRecord accepted = submit(jobs, "spin", "{\"ms\":60000}");
    long taskId = worker.expectMessageClass(WorkerProtocol.RunTasks.class).tasks().get(0).taskId();
    jobs.tell(new JobProtocol.Cancel(accepted.id(), kit.<JobProtocol.CancelReply>createTestProbe().ref()));
    worker.expectMessageClass(WorkerProtocol.CancelTasks.class);
    inbox.tell(new WorkerProtocol.TasksDone(worker.ref(), List.of(WorkerProtocol.TaskResult.failed(taskId, "cancelled", "t", 1))));
    worker.expectNoMessage(Duration.ofMillis(800));
  }

  @Test
  @DisplayName("a job past its --timeout ends timed-out, and its task is cancelled")
  void timeoutsEndJobs() {
    ActorRef<JobManager.Command> jobs = jobManager(3);
    ActorRef<WorkerProtocol.ToNode> inbox = inbox();
    TestProbe<WorkerProtocol.ToWorker> worker = readyWorker(inbox, 4242, 1);
    JobRecord accepted = submit(jobs, "spin", "{\"ms\":60000}",
        new JobOptions(Placement.BY_KIND, Duration.ofMillis(300), null, false));
    worker.expectMessageClass(WorkerProtocol.RunTasks.class);
    JobRecord done = awaitFinal(jobs, accepted.id(), Duration.ofSeconds(3));
    assertEquals(JobState.TIMED_OUT, done.state());
    assertTrue(done.error().startsWith("timed out after 300 ms (--timeout)"), done.error());
    worker.expectMessageClass(WorkerProtocol.CancelTasks.class);

    JobRecord io = submit(jobs, "sleep", "{\"ms\":60000}", new JobOptions(Placement.BY_KIND, Duration.ofMillis(200), null, false));
    assertEquals(JobState.TIMED_OUT, awaitFinal(jobs, io.id(), Duration.ofSeconds(3)).state(), "an I/O job times out too");
  }

  @Test
  @DisplayName("--retry-on-error starts a failing job again up to its retries, then fails with how often it failed")
  void retriesOnError() {
    ActorRef<JobManager.Command> jobs = jobManager(3);
    ActorRef<WorkerProtocol.ToNode> inbox = inbox();
    TestProbe<WorkerProtocol.ToWorker> worker = readyWorker(inbox, 4242, 1);
    JobRecord accepted = submit(jobs, "square", "{\"x\":2}", new JobOptions(Placement.BY_KIND, null, 2, true));
    for (int attempt = 1; attempt <= 3; attempt++) {
      long taskId = worker.expectMessageClass(WorkerProtocol.RunTasks.class).tasks().get(0).taskId();
      inbox.tell(new WorkerProtocol.TasksDone(worker.ref(), List.of(WorkerProtocol.TaskResult.failed(taskId, "boom " + attempt, "t", 1))));
    }
    JobRecord done = awaitFinal(jobs, accepted.id(), Duration.ofSeconds(3));
    assertEquals(JobState.FAILED, done.state());
    assertEquals(3, done.attempts());
    assertEquals("failed 3 times; the last: boom 3", done.error());
    worker.expectNoMessage(Duration.ofMillis(200));

    JobRecord once = submit(jobs, "square", "{\"x\":2}");
    long taskId = worker.expectMessageClass(WorkerProtocol.RunTasks.class).tasks().get(0).taskId();
    inbox.tell(new WorkerProtocol.TasksDone(worker.ref(), List.of(WorkerProtocol.TaskResult.failed(taskId, "boom", "t", 1))));
    assertEquals("boom", awaitFinal(jobs, once.id(), Duration.ofSeconds(3)).error(), "an error is not retried unless asked");
  }

  @Test
  @DisplayName("--retries 0 fails a job at its first lost worker")
  void retriesPerJob() {
    ActorRef<JobManager.Command> jobs = jobManager(3);
    ActorRef<WorkerProtocol.ToNode> inbox = inbox();
    TestProbe<WorkerProtocol.ToWorker> worker = readyWorker(inbox, 555, 1);
    JobRecord accepted = submit(jobs, "spin", "{\"ms\":1}", new JobOptions(Placement.BY_KIND, null, 0, false));
    worker.expectMessageClass(WorkerProtocol.RunTasks.class);
    scheduler.tell(new TaskScheduler.LocalWorkerExited(555));
    JobRecord done = awaitFinal(jobs, accepted.id(), Duration.ofSeconds(3));
    assertEquals("worker lost 1 times while running this job", done.error());
  }

  @Test
  @DisplayName("a node that holds tandem.jobs.max-queued unfinished jobs and elements refuses more as busy, accepting nothing")
  void backPressure() {
    ActorRef<JobManager.Command> jobs = jobManager(settings(3, 3));
    for (int i = 0; i < 3; i++) {
      submit(jobs, "square", "{\"x\":1}"); // no worker: they stay queued
    }
    TestProbe<JobProtocol.SubmitReply> reply = kit.createTestProbe();
    jobs.tell(new JobProtocol.Submit("square", (ObjectNode) Json.read("{\"x\":1}"), reply.ref()));
    var busy = assertInstanceOf(JobProtocol.Busy.class, reply.receiveMessage());
    assertTrue(busy.reason().contains("tandem.jobs.max-queued"), busy.reason());
    jobs.tell(new JobProtocol.SubmitMap("square", Json.object(), List.of(Json.object().put("x", 1)), 0, null, false, reply.ref()));
    assertInstanceOf(JobProtocol.Busy.class, reply.receiveMessage());
    TestProbe<JobProtocol.JobList> list = kit.createTestProbe();
    jobs.tell(new JobProtocol.ListJobs(10, list.ref()));
    assertEquals(3, list.receiveMessage().jobs().size(), "nothing more was accepted");
  }

  /** One submission as the job stream sends it: answered once, when its job is final (a refusal at once). */
  private static JobProtocol.SubmitBatch untilFinal(JobManager.Command submit) {
    ActorRef<JobProtocol.SubmitReply> replyTo = submit instanceof JobProtocol.Submit single ? single.replyTo()
        : ((JobProtocol.SubmitMap) submit).replyTo();
    return new JobProtocol.SubmitBatch(List.of(new JobProtocol.SubmitBatch.Entry(submit, replyTo::tell, null)), () -> {});
  }

  @Test
  @DisplayName("a submission until final is answered once, with the finished job; a refusal comes at once")
  void submitUntilFinal() {
    ActorRef<JobManager.Command> jobs = jobManager(3);
    TestProbe<JobProtocol.SubmitReply> reply = kit.createTestProbe();
    jobs.tell(untilFinal(new JobProtocol.Submit("sleep", (ObjectNode) Json.read("{\"ms\":50}"), reply.ref())));
    JobRecord slept = assertInstanceOf(JobProtocol.Accepted.class, reply.receiveMessage(Duration.ofSeconds(5))).job();
    assertEquals(JobState.SUCCEEDED, slept.state());
    reply.expectNoMessage(Duration.ofMillis(100));

    jobs.tell(untilFinal(new JobProtocol.SubmitMap("square", Json.object(),
        List.of(Json.object().put("x", 2), Json.object().put("x", 4)), 2, null, false, reply.ref())));
    reply.expectNoMessage(Duration.ofMillis(100));
    ActorRef<WorkerProtocol.ToNode> inbox = inbox();
    answerChunks(readyWorker(inbox, 7, 1), inbox, 1);
    JobRecord mapped = assertInstanceOf(JobProtocol.Accepted.class, reply.receiveMessage()).job();
    assertEquals(JobState.SUCCEEDED, mapped.state(), mapped.toString());
    assertEquals("[4,16]", mapped.result());

    jobs.tell(untilFinal(new JobProtocol.Submit("nope", Json.object(), reply.ref())));
    assertInstanceOf(JobProtocol.Rejected.class, reply.receiveMessage());
  }

  @Test
  @DisplayName("a draining node refuses new work as busy, lets a running map finish, then answers the drain")
  void drains() {
    ActorRef<JobManager.Command> jobs = jobManager(3);
    ActorRef<WorkerProtocol.ToNode> inbox = inbox();
    TestProbe<WorkerProtocol.ToWorker> worker = readyWorker(inbox, 12, 1);
    JobRecord map = submitMap(jobs, 4, 2, null);
    TestProbe<org.apache.pekko.Done> drained = kit.createTestProbe();
    jobs.tell(new JobProtocol.Drain(Duration.ofSeconds(30), drained.ref()));
    TestProbe<JobProtocol.SubmitReply> reply = kit.createTestProbe();
    jobs.tell(new JobProtocol.Submit("square", (ObjectNode) Json.read("{\"x\":1}"), reply.ref()));
    assertTrue(assertInstanceOf(JobProtocol.Busy.class, reply.receiveMessage()).reason().contains("stopping"));
    jobs.tell(untilFinal(new JobProtocol.Submit("square", (ObjectNode) Json.read("{\"x\":1}"), reply.ref())));
    assertInstanceOf(JobProtocol.Busy.class, reply.receiveMessage());
    drained.expectNoMessage(Duration.ofMillis(200)); // the map still runs
    answerChunks(worker, inbox, 2);
    drained.receiveMessage(Duration.ofSeconds(3));
    assertTrue(awaitFinal(jobs, map.id(), Duration.ofSeconds(3)).state().isFinal(), "it ran to its end");
    TestProbe<org.apache.pekko.Done> again = kit.createTestProbe();
    jobs.tell(new JobProtocol.Drain(Duration.ofSeconds(30), again.ref()));
    again.receiveMessage(Duration.ofSeconds(1)); // nothing left: answered at once
  }

  @Test
  @DisplayName("a range map whose results fold is taken whatever its size, counted by its window; one that keeps its results and can never fit is refused")
  void foldingRangeMapsHoldAWindow() {
    ActorRef<JobManager.Command> jobs = jobManager(settings(3, 1_000)); // the node holds at most 1,000 elements
    TestProbe<JobProtocol.SubmitReply> reply = kit.createTestProbe();
    // 100,000 elements, 100 times what the node may hold: it folds, so it is taken.
    jobs.tell(new JobProtocol.SubmitMap("square", Json.object(), new RangeElements("x", 4, 1, 100_000), 10,
        Reduce.SUM, false, reply.ref()));
    assertEquals(100_000, assertInstanceOf(JobProtocol.Accepted.class, reply.receiveMessage()).job().map().total());
    // What it holds is its window: a small job still fits beside it.
    jobs.tell(new JobProtocol.Submit("square", (ObjectNode) Json.read("{\"x\":2}"), reply.ref()));
    assertInstanceOf(JobProtocol.Accepted.class, reply.receiveMessage());
    // Without a fold, the same map streams its results and holds up to a tenth of the node unread: taken beside.
    jobs.tell(new JobProtocol.SubmitMap("square", Json.object(), new RangeElements("x", 1, 1, 100_000), 10,
        null, false, reply.ref()));
    assertTrue(assertInstanceOf(JobProtocol.Accepted.class, reply.receiveMessage()).job().map().streamed());
    // One that keeps every result and needs more than the node ever holds is refused.
    jobs.tell(new JobProtocol.SubmitMap("square", Json.object(), java.util.Collections.nCopies(1_001, (ObjectNode) Json.read("{\"x\":2}")),
        10, null, false, reply.ref()));
    assertInstanceOf(JobProtocol.Rejected.class, reply.receiveMessage());
    kit.stop(jobs);
  }

  @Test
  @DisplayName("a range map larger than its node keeps streams its results: it waits for its reader, drops what was read, and ends without them")
  void streamsLargeMaps() {
    ActorRef<JobManager.Command> jobs = jobManager(settings(3, 20)); // it keeps at most 20 results of a map
    ActorRef<WorkerProtocol.ToNode> inbox = inbox();
    TestProbe<WorkerProtocol.ToWorker> worker = readyWorker(inbox, 23, 1);
    TestProbe<JobProtocol.SubmitReply> reply = kit.createTestProbe();
    jobs.tell(new JobProtocol.SubmitMap("square", Json.object(), new RangeElements("x", 4, 1, 1000), 5, null, false, reply.ref()));
    JobRecord map = assertInstanceOf(JobProtocol.Accepted.class, reply.receiveMessage()).job();
    assertTrue(map.map().streamed());
    int out = answerWhatComes(worker, inbox); // its window of chunks: then it waits, its results unread
    assertTrue(out >= 20 && out < 1000, out + " results before anyone read");
    TestProbe<JobProtocol.MapEntries> reader = kit.createTestProbe();
    int read = 0;
    int next = 0;
    int expected = 4;
    while (true) {
      jobs.tell(new JobProtocol.MapResults(map.id(), next, reader.ref())); // asking from next drops what came before
      if (next > 0) {
        answerWhatComes(worker, inbox); // the room made goes to more chunks; the ask is answered as they settle
      }
      JobProtocol.MapEntries page = reader.receiveMessage();
      for (var entry : Json.read(page.entries())) {
        assertEquals((long) expected * expected, entry.get("result").asLong(), "in order on one worker");
        expected++;
        read++;
      }
      next = page.next();
      if (page.job().orElseThrow().state().isFinal()) {
        break;
      }
    }
    assertEquals(1000, read, "every result read once");
    JobRecord done = awaitFinal(jobs, map.id(), Duration.ofSeconds(3));
    assertEquals(JobState.SUCCEEDED, done.state(), done.error());
    assertEquals(null, done.result(), "its results were streamed, not kept");
  }

  @Test
  @DisplayName("a map's uploaded inputs go out as its workers take them: the upload waits while the map has no room, and the map ends once they all settled")
  void uploadedInputsFlowWithTheWorkers() {
    ActorRef<JobManager.Command> jobs = jobManager(3);
    ActorRef<WorkerProtocol.ToNode> inbox = inbox();
    TestProbe<WorkerProtocol.ToWorker> worker = readyWorker(inbox, 31, 1);
    TestProbe<JobProtocol.SubmitReply> reply = kit.createTestProbe();
    jobs.tell(new JobProtocol.SubmitMap("square", Json.object(), UploadedElements.LATER, 100, Reduce.SUM, false, reply.ref()));
    JobRecord map = assertInstanceOf(JobProtocol.Accepted.class, reply.receiveMessage()).job();
    assertTrue(map.map().receiving());
    TestProbe<JobProtocol.InputsTaken> uploader = kit.createTestProbe();
    int sent = 0;
    boolean waited = false;
    while (sent < 20_000) { // batches until the map holds as much as it may: then the answer waits
      List<JobProtocol.UploadedInput> batch = new java.util.ArrayList<>();
      for (int i = 0; i < 500; i++) {
        batch.add(new JobProtocol.UploadedInput(Json.object().put("x", 10 + ++sent), null)); // x = 3 fails in answer()
      }
      jobs.tell(new JobProtocol.MoreInputs(map.id(), 7, batch, uploader.ref()));
      try {
        uploader.receiveMessage(Duration.ofMillis(300));
      } catch (AssertionError held) {
        waited = true;
        break;
      }
    }
    assertTrue(waited, "the upload waited for room before " + sent + " inputs were sent");
    assertTrue(sent < 20_000 && sent >= MapUpload.MOST_PENDING, sent + " sent before it waited");
    answerWhatComes(worker, inbox); // the worker takes the chunks: room comes, the held answer with it
    assertEquals(sent, uploader.receiveMessage().taken());
    TestProbe<JobProtocol.InputsTaken> other = kit.createTestProbe();
    jobs.tell(new JobProtocol.InputsEnded(map.id(), 8, null, other.ref()));
    assertTrue(other.receiveMessage().refused().contains("another upload"));
    jobs.tell(new JobProtocol.InputsEnded(map.id(), 7, null, uploader.ref()));
    assertEquals(sent, uploader.receiveMessage().taken());
    answerWhatComes(worker, inbox);
    JobRecord done = awaitFinal(jobs, map.id(), Duration.ofSeconds(3));
    assertEquals(JobState.SUCCEEDED, done.state(), done.error());
    long sum = 0;
    for (long x = 11; x <= 10 + sent; x++) {
      sum += x * x;
    }
    assertEquals(sum, Json.read(done.result()).asLong(), "the sum of the squares of every element sent");
    assertEquals(sent, done.map().total());
    assertFalse(done.map().receiving());
  }

  @Test
  @DisplayName("an upload that breaks off fails its map with the reason; inputs for a job that takes none are refused")
  void brokenUploadFailsItsMap() {
    ActorRef<JobManager.Command> jobs = jobManager(3);
    TestProbe<JobProtocol.SubmitReply> reply = kit.createTestProbe();
    jobs.tell(new JobProtocol.SubmitMap("square", Json.object(), UploadedElements.LATER, 0, null, false, reply.ref()));
    JobRecord map = assertInstanceOf(JobProtocol.Accepted.class, reply.receiveMessage()).job();
    assertTrue(map.map().streamed(), "uploaded inputs may be of any length: their results stream");
    TestProbe<JobProtocol.InputsTaken> uploader = kit.createTestProbe();
    jobs.tell(new JobProtocol.MoreInputs(map.id(), 7, List.of(new JobProtocol.UploadedInput(null, "line 1 of the inputs: malformed JSON")),
        uploader.ref()));
    assertEquals(1, uploader.receiveMessage().taken());
    jobs.tell(new JobProtocol.InputsEnded(map.id(), 7, "the connection closed after line 1", uploader.ref()));
    uploader.receiveMessage();
    JobRecord done = awaitFinal(jobs, map.id(), Duration.ofSeconds(3));
    assertEquals(JobState.FAILED, done.state());
    assertTrue(done.error().contains("broke off after 1 elements (the connection closed after line 1)"), done.error());
    JobRecord single = submit(jobs, "square", "{\"x\":2}");
    jobs.tell(new JobProtocol.MoreInputs(single.id(), 7, List.of(), uploader.ref()));
    assertTrue(uploader.receiveMessage().refused().contains("no map whose inputs are uploaded"));
    jobs.tell(new JobProtocol.MoreInputs("nope-1", 7, List.of(), uploader.ref()));
    assertTrue(uploader.receiveMessage().unknown());
  }

  /** Answers the chunks a worker is sent until none comes for 300 ms; how many elements they held. */
  private static int answerWhatComes(TestProbe<WorkerProtocol.ToWorker> worker, ActorRef<WorkerProtocol.ToNode> inbox) {
    int elements = 0;
    while (true) {
      WorkerProtocol.RunTasks run;
      try {
        run = worker.expectMessageClass(WorkerProtocol.RunTasks.class, Duration.ofMillis(300));
      } catch (AssertionError quiet) {
        return elements;
      }
      for (WorkerProtocol.Task task : run.tasks()) {
        elements += answer(worker, inbox, task);
      }
    }
  }

  @Test
  @DisplayName("a folding map's sum is folded chunk by chunk and matches the sum of its results")
  void foldsAsChunksSettle() {
    ActorRef<JobManager.Command> jobs = jobManager(3);
    ActorRef<WorkerProtocol.ToNode> inbox = inbox();
    TestProbe<WorkerProtocol.ToWorker> worker = readyWorker(inbox, 22, 1);
    TestProbe<JobProtocol.SubmitReply> reply = kit.createTestProbe();
    jobs.tell(new JobProtocol.SubmitMap("square", Json.object(), new RangeElements("x", 4, 1, 60), 5,
        Reduce.SUM, false, reply.ref()));
    JobRecord map = assertInstanceOf(JobProtocol.Accepted.class, reply.receiveMessage()).job();
    answerChunks(worker, inbox, 12); // x = 4..63, none is 3
    JobRecord done = awaitFinal(jobs, map.id(), Duration.ofSeconds(5));
    long expected = 0;
    for (long x = 4; x < 64; x++) {
      expected += x * x;
    }
    assertEquals(JobState.SUCCEEDED, done.state(), done.error());
    assertEquals(String.valueOf(expected), done.result());
  }

  @Test
  @DisplayName("a large chunk lost with its worker goes out again in at most 16 parts, not one task per element")
  void largeLostChunksSplitInParts() {
    ActorRef<JobManager.Command> jobs = jobManager(3);
    ActorRef<WorkerProtocol.ToNode> inbox = inbox();
    TestProbe<WorkerProtocol.ToWorker> first = readyWorker(inbox, 61, 1);
    TestProbe<JobProtocol.SubmitReply> reply = kit.createTestProbe();
    jobs.tell(new JobProtocol.SubmitMap("square", Json.object(), new RangeElements("x", 4, 1, 160), 160, null, false, reply.ref()));
    JobRecord map = assertInstanceOf(JobProtocol.Accepted.class, reply.receiveMessage()).job();
    assertEquals(160, ChunkForm.count(ValueCodec.decode(first.expectMessageClass(WorkerProtocol.RunTasks.class).tasks().get(0).params())));
    scheduler.tell(new TaskScheduler.LocalWorkerExited(61));
    TestProbe<WorkerProtocol.ToWorker> second = readyWorker(inbox, 62, 1);
    int parts = 0;
    int elements = 0;
    while (elements < 160) {
      for (WorkerProtocol.Task task : second.expectMessageClass(WorkerProtocol.RunTasks.class).tasks()) {
        parts++;
        elements += answer(second, inbox, task);
      }
    }
    assertEquals(MapRun.SPLIT_PARTS, parts, "160 elements in parts of 10");
    JobRecord done = awaitFinal(jobs, map.id(), Duration.ofSeconds(3));
    assertEquals(JobState.SUCCEEDED, done.state(), done.error());
    assertEquals(160, Json.read(done.result()).size());
  }
}
