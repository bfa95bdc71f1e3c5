package tandem.node.owner;

import tandem.node.logs.JobLogs;
import tandem.protocol.TaskLog;

import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import tandem.node.journal.JobStore;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import tandem.node.scheduler.TaskScheduler;
import tandem.protocol.WorkerProtocol.Task;
import tandem.protocol.WorkerProtocol.TaskResult;
import tandem.protocol.api.JobState;
import tandem.protocol.job.Job;

/**
 * Runs one map, as a child of the JobManager that accepted it: sends its elements to the
 * {@link TaskScheduler} in chunks (made by a {@link ChunkMaker}), retries the elements of a chunk whose worker was lost (each on
 * its own budget), records what came back (a {@link MapTally}), and answers the clients following
 * it. It reports its progress and its final record to the JobManager, then stops. Stopping it
 * (cancel, timeout, a node that drains) cancels its tasks.
 */
final class MapRun extends AbstractBehavior<MapRun.Command> {

  sealed interface Command extends NoSerializationVerificationNeeded permits Follow, Stop, FromTasks, Unread, Upload,
      NoUpload, Resumed, HandedOver {}

  /**
   * The node stops and hands the map over through the journal: its tasks are cancelled, and its
   * followers hear nothing (their connections close with the node, and they follow it at the node
   * that takes it over).
   */
  enum HandedOver implements Command { INSTANCE }

  /** What settled of this map before it was taken over, read from the journal (or why it could not be). */
  private record Resumed(List<JobStore.SettledChunk> settled, Throwable error) implements Command {}

  /** A client asks for the elements that settled after those it has. */
  record Follow(JobProtocol.MapResults ask) implements Command {}

  /**
   * Stop: the JobManager ended the map (cancelled, timed out) as {@code ended}, or heard that it
   * ended by itself.
   */
  record Stop(JobRecord ended) implements Command {}

  private record FromTasks(TaskScheduler.Event event) implements Command {}

  /** More of the map's uploaded inputs, or their end (see {@link UploadedElements}). */
  record Upload(JobProtocol.UploadPart part) implements Command {}

  /** No upload of the map's inputs came within {@link #UPLOAD_START}. */
  private enum NoUpload implements Command { TIMED_OUT }

  /** How long a map submitted with its inputs to come waits for their upload to begin. */
  static final java.time.Duration UPLOAD_START = java.time.Duration.ofSeconds(60);

  /** The map held as many unread results as it may for the whole unread timeout. */
  private enum Unread implements Command { TIMED_OUT }

  /**
   * What a map runs: {@code job} once per element of {@code given}, each laid over {@code shared}.
   * The elements are made into parameters only as their chunk goes out.
   */
  record Plan(Job job, ObjectNode shared, List<ObjectNode> given, Placement on, boolean failFast, int retries) {}

  /**
   * How a map that streams its results waits for its reader: it sends no more chunks while {@code
   * most} results wait unread, and fails when that lasts {@code timeout}.
   */
  record Unreads(int most, java.time.Duration timeout) {}

  /**
   * How many chunks of a map are out (queued or running) at once: enough to keep every worker's
   * slots full with short tasks, few enough that a map of any size holds a bounded number of
   * elements on its node.
   */
  static int window(int workers) {
    return Math.max(16, 32 * workers);
  }

  /** Elements a map of small chunks may have out at once, beyond {@link #window(int)}'s chunks. */
  static final int SMALL_CHUNKS_ELEMENTS = 4_096;

  /**
   * The window for chunks of {@code chunk} elements (0: sized as they go). Small chunks get a wider
   * one, up to {@link #SMALL_CHUNKS_ELEMENTS} elements and 256 chunks a worker: a map of {@code
   * --chunk 1} no-ops otherwise waits on its 64 chunks out while each worker may hold 256 short
   * tasks (measured: 10.5k-16k elements/s with 64 out). A map that streams its results is given
   * 0 here: what it sends comes back as results its reader may not have read yet.
   */
  static int window(int workers, int chunk) {
    int chunks = window(workers);
    return chunk <= 0 ? chunks : Math.max(chunks, Math.min(256 * Math.max(1, workers), SMALL_CHUNKS_ELEMENTS / chunk));
  }

  /**
   * @param record the map as accepted (queued, or running on the node's threads)
   * @param taskIds the node's counter of task ids, shared by its maps
   * @param jobs told {@link JobManager.MapChanged} and, at the end, {@link JobManager.MapEnded}
   */
  static Behavior<Command> create(Plan plan, JobRecord record, int window, Unreads unreads, LossBudget budget,
      AtomicLong taskIds, ActorRef<TaskScheduler.Command> scheduler, ActorRef<JobManager.Command> jobs,
      MapJournal journal) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new MapRun(context, timers, plan, record, window, unreads, budget, taskIds, scheduler, jobs, journal)));
  }

  private final Plan plan;
  private final LossBudget budget;
  /** What goes into each chunk. */
  private final ChunkMaker chunkMaker;
  private final ActorRef<TaskScheduler.Command> scheduler;
  private final ActorRef<JobManager.Command> jobs;
  private final ActorRef<TaskScheduler.Event> taskEvents;
  private final MapTally tally;
  /** What the map's elements wrote, kept with the map under their index. */
  private final JobLogs logs;
  /** The chunks out and not settled yet, by task id. */
  private final Map<Long, Chunk> chunks = new HashMap<>();
  private final TimerScheduler<Command> timers;
  private final Unreads unreads;
  /** How many chunks may be out at once (see {@link #window}). */
  private final int window;
  /** How many elements went out in chunks so far. */
  private int sent;
  /** The inputs as they are uploaded, for a map whose elements come that way; else null. */
  private final MapUpload upload;
  /** Where settled chunks are recorded, for a node that takes this map over. */
  private final MapJournal journal;
  /**
   * Elements that settled before this run took the map over: each range's first index and the
   * index past its end. They are not sent again.
   */
  private final TreeMap<Integer, Integer> settledBefore = new TreeMap<>();
  /** True while a taken-over map reads what settled before: it sends nothing until then. */
  private boolean resuming;

  private MapRun(ActorContext<Command> context, TimerScheduler<Command> timers, Plan plan, JobRecord record, int window,
      Unreads unreads, LossBudget budget, AtomicLong taskIds, ActorRef<TaskScheduler.Command> scheduler,
      ActorRef<JobManager.Command> jobs, MapJournal journal) {
    super(context);
    this.timers = timers;
    this.journal = journal;
    this.unreads = unreads;
    this.plan = plan;
    this.budget = budget;
    this.chunkMaker = new ChunkMaker(plan, record, taskIds);
    this.scheduler = scheduler;
    this.jobs = jobs;
    this.taskEvents = context.messageAdapter(TaskScheduler.Event.class, FromTasks::new);
    this.tally = new MapTally(record, plan.failFast());
    this.logs = JobLogs.get(context.getSystem());
    this.window = window;
    this.upload = plan.given() instanceof UploadedElements ? new MapUpload(plan.job(), plan.shared(), record.map().chunk()) : null;
    if (upload != null) {
      timers.startSingleTimer(NoUpload.TIMED_OUT, NoUpload.TIMED_OUT, UPLOAD_START);
    }
    if (journal.resumes()) {
      resuming = true;
      context.pipeToSelf(journal.settled(), Resumed::new);
    } else {
      sendMore();
    }
  }

  /**
   * A taken-over map's elements that settled before count as settled now, from what their chunks
   * sent then; the rest go out. A range that overlaps one already counted (written twice, by an
   * owner that had split a lost chunk) is skipped.
   */
  private Behavior<Command> onResumed(Resumed resumed) {
    resuming = false;
    long now = System.nanoTime();
    String id = tally.record().id();
    if (resumed.error() != null) {
      getContext().getLog().warn("map {} could not read what settled before its takeover ({}); it runs from its start",
          id, resumed.error().getMessage());
      logs.note(tally.record().seq(), -1, "what settled before the takeover could not be read ("
          + resumed.error().getMessage() + "); every element runs again");
      return afterChange(Optional.empty());
    }
    int elements = 0;
    int end = 0;
    Optional<JobRecord> ended = Optional.empty();
    for (JobStore.SettledChunk settled : resumed.settled()) {
      if (settled.offset() < end || settled.count() <= 0 || (long) settled.offset() + settled.count() > plan.given().size()) {
        continue;
      }
      end = settled.offset() + settled.count();
      settledBefore.put(settled.offset(), end);
      elements += settled.count();
      Chunk chunk = new Chunk(tally.record().seq(), settled.offset(), settled.count(), null, 0, 0);
      ended = tally.chunkDone(chunk, settled.result(), settled.error(), now);
      if (ended.isPresent()) {
        break;
      }
    }
    getContext().getLog().info("map {} resumes: {} of its {} elements had settled before the takeover", id, elements,
        plan.given().size());
    logs.note(tally.record().seq(), -1, "resumed: " + elements + " of " + plan.given().size()
        + " elements had settled before the takeover and do not run again");
    return afterChange(ended);
  }

  /** Sends the next chunks, until {@link #window} of them are out or none is left. */
  private void sendMore() {
    List<ObjectNode> given = plan.given();
    List<Task> tasks = new ArrayList<>();
    if (upload != null) {
      while (chunks.size() < window && upload.hasPending() && !waitsForReader()) {
        tasks.add(out(chunkMaker.uploaded(upload.nextChunk())));
      }
      upload.answerIfRoom(); // what went out made room
    } else {
      while (!resuming && chunks.size() < window && sent < given.size() && !waitsForReader()) {
        Map.Entry<Integer, Integer> settled = settledBefore.floorEntry(sent);
        if (settled != null && settled.getValue() > sent) {
          sent = settled.getValue(); // settled before the takeover
          continue;
        }
        Integer next = settledBefore.higherKey(sent);
        Chunk chunk = chunkMaker.given(sent, next == null ? given.size() : next);
        tasks.add(out(chunk));
        sent += chunk.count();
      }
    }
    if (!tasks.isEmpty()) {
      scheduler.tell(TaskScheduler.Enqueue.of(tasks, plan.on() == Placement.THREADS, taskEvents));
    }
    // Held up by its reader alone: it has that long to read on, or the map fails.
    boolean left = upload != null ? upload.hasPending() : sent < given.size();
    if (chunks.isEmpty() && left && waitsForReader()) {
      if (!timers.isTimerActive(Unread.TIMED_OUT)) {
        timers.startSingleTimer(Unread.TIMED_OUT, Unread.TIMED_OUT, unreads.timeout());
      }
    } else {
      timers.cancel(Unread.TIMED_OUT);
    }
  }

  /** The chunk goes out: it is out until it settles. */
  private Task out(Chunk chunk) {
    chunks.put(chunk.task().taskId(), chunk);
    return chunk.task();
  }

  /** Whether as many results wait unread as the map may hold (like {@code imap}, it waits for its reader). */
  private boolean waitsForReader() {
    return tally.waitsForReader(unreads.most());
  }

  private Behavior<Command> onUnreadTimeout() {
    long now = System.nanoTime();
    JobRecord failed = tally.record().failed("nobody read this map's results for " + unreads.timeout().toSeconds()
        + " s while " + tally.unread() + " waited (tandem.jobs.unread-timeout); read them with GET /jobs/"
        + tally.record().id() + "/results as they come, as the CLI does"
        + (upload != null && upload.waiting() ? "; its upload waited for them too, after " + upload.received()
            + " inputs: its client is likely gone" : ""), null, -1, now);
    return afterChange(Optional.of(failed));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Follow.class, follow -> {
          tally.follow(follow.ask());
          sendMore(); // what the reader took makes room
          return this;
        })
        .onMessage(Unread.class, timedOut -> onUnreadTimeout())
        .onMessage(Upload.class, this::onUpload)
        .onMessage(NoUpload.class, timedOut -> onNoUpload())
        .onMessage(Stop.class, stop -> stopped(stop.ended()))
        .onMessage(FromTasks.class, this::onFromTasks)
        .onMessage(Resumed.class, this::onResumed)
        .onMessage(HandedOver.class, handedOver -> {
          cancelChunks();
          return Behaviors.stopped();
        })
        .build();
  }

  private Behavior<Command> onFromTasks(FromTasks wrapped) {
    long now = System.nanoTime();
    TaskScheduler.Event event = wrapped.event();
    if (event instanceof TaskScheduler.Started started) {
      onStarted(started, now);
      return this;
    }
    if (event instanceof TaskScheduler.Logged logged) {
      keepLog(chunks.get(logged.taskId()), logged.log());
      return this;
    }
    Optional<JobRecord> ended = Optional.empty();
    if (event instanceof TaskScheduler.Ended done) {
      for (TaskResult result : done.results()) {
        Chunk chunk = chunks.remove(result.taskId());
        keepLog(chunk, result.log());
        if (chunk != null && upload != null && chunk.startedAt() != 0) {
          upload.ran(chunk.count(), now - chunk.startedAt());
        }
        if (chunk != null) {
          journal.record(chunk, result.result(), result.error());
          ended = tally.chunkDone(chunk, result.result(), result.error(), now);
        }
        if (ended.isPresent()) {
          break;
        }
      }
    } else if (event instanceof TaskScheduler.Lost lost) {
      ended = onLost(lost, now);
    }
    return afterChange(ended);
  }

  /** What a chunk's elements wrote, each piece under its element's index in the map. */
  private void keepLog(Chunk chunk, byte[] encoded) {
    if (chunk == null || encoded == null) {
      return;
    }
    try {
      logs.add(chunk.seq(), TaskLog.decode(encoded), chunk.offset());
    } catch (TaskLog.MalformedLogException e) {
      logs.note(chunk.seq(), chunk.offset(), "the worker sent output this node cannot read (" + e.getMessage() + ")");
    }
  }

  /** Elements settled or came: the map ends if that ended it, else sends what it may and reports. */
  private Behavior<Command> afterChange(Optional<JobRecord> ended) {
    if (ended.isPresent()) {
      jobs.tell(new JobManager.MapEnded(ended.get()));
      return concluded(ended.get());
    }
    sendMore();
    jobs.tell(new JobManager.MapChanged(tally.record()));
    return this;
  }

  /** More of the map's uploaded inputs, or their end (see {@link MapUpload#takePart}). */
  private Behavior<Command> onUpload(Upload message) {
    JobProtocol.UploadPart part = message.part();
    String refused = upload == null
        ? "this map's elements came with its submission; PUT /jobs/" + tally.record().id()
            + "/inputs is for a map submitted with \"inputs\": \"upload\""
        : upload.refusal(part.upload());
    if (refused != null) {
      part.replyTo().tell(JobProtocol.InputsTaken.refused(upload == null ? 0 : upload.received(), refused));
      return this;
    }
    timers.cancel(NoUpload.TIMED_OUT);
    return afterChange(upload.takePart(part, tally, System.nanoTime()));
  }

  private Behavior<Command> onNoUpload() {
    if (upload.started()) {
      return this;
    }
    JobRecord failed = tally.record().failed("no inputs came within " + UPLOAD_START.toSeconds()
        + " s of its submission; send them with PUT /jobs/" + tally.record().id()
        + "/inputs, one JSON object per line (tandem map --inputs FILE does)", null, -1, System.nanoTime());
    return afterChange(Optional.of(failed));
  }

  /** Chunks went to a worker: each counts one more attempt, and the map is running from the first. */
  private void onStarted(TaskScheduler.Started started, long now) {
    started.taskIds().forEach(id -> chunks.computeIfPresent(id, (i, chunk) -> chunk.started(now)));
    if (tally.record().state() == JobState.QUEUED) {
      tally.update(tally.record().running(new RanOn("worker", started.address(), started.pid(), null), now));
      jobs.tell(new JobManager.MapChanged(tally.record()));
    }
  }

  /**
   * A worker was lost with chunks of this map. A lost chunk goes out again split, each part with
   * the chunk's attempts: every element of a part was lost that many times, so an element fails only
   * when it was lost more than the map's retries, never because others that once shared its chunk
   * were. At most {@link #SPLIT_PARTS} parts, so a lost chunk of 100,000 does not become 100,000
   * tasks; small chunks split into their elements. The protocol reports a chunk's elements only when
   * the whole chunk is done, so those the lost worker had finished run again. Chunks running when
   * their worker ran out of memory charge every element with it and split into single elements,
   * since which one did it is not known and the next run must tell.
   *
   * @return the map's final record if an element out of retries ended it
   */
  private Optional<JobRecord> onLost(TaskScheduler.Lost lost, long now) {
    List<Task> again = new ArrayList<>();
    Map<Chunk, String> spent = new LinkedHashMap<>();
    for (Task task : lost.tasks()) {
      Chunk chunk = chunks.remove(task.taskId());
      if (chunk == null) {
        continue;
      }
      boolean byMemory = lost.outOfMemory().contains(task.taskId());
      for (Chunk e : chunk.count() == 1 ? List.of(chunk) : chunkMaker.split(chunk, byMemory ? chunk.count() : SPLIT_PARTS)) {
        Chunk charged = byMemory ? new Chunk(e.seq(), e.offset(), e.count(), e.task(), e.attempts(), e.memoryLosses() + 1) : e;
        String reason = budget.verdict(charged.attempts(), plan.retries(), charged.memoryLosses(), byMemory, "this element");
        if (reason != null) {
          spent.put(charged, reason);
        } else {
          chunks.put(charged.task().taskId(), charged);
          again.add(charged.task());
        }
      }
    }
    if (!again.isEmpty()) {
      scheduler.tell(new TaskScheduler.Enqueue(again, plan.on() == Placement.THREADS, true, taskEvents));
    }
    for (Map.Entry<Chunk, String> e : spent.entrySet()) {
      journal.record(e.getKey(), null, e.getValue());
      Optional<JobRecord> ended = tally.chunkDone(e.getKey(), null, e.getValue(), now);
      if (ended.isPresent()) {
        return ended;
      }
    }
    return Optional.empty();
  }

  /** The most parts a chunk lost with its worker is split into (unless it ran the worker out of memory). */
  static final int SPLIT_PARTS = 16;

  /** The chunks still out are cancelled where they are; nothing more is heard of them. */
  private void cancelChunks() {
    if (!chunks.isEmpty()) {
      scheduler.tell(new TaskScheduler.Cancel(List.copyOf(chunks.keySet())));
      chunks.clear();
    }
  }

  /** The JobManager ended the map: what is left of it is cancelled, its followers told. */
  private Behavior<Command> stopped(JobRecord ended) {
    concluded(ended);
    return Behaviors.stopped();
  }

  /**
   * The map ended by itself: what is left of it is cancelled and its followers told, and it answers
   * followers as a final map until the JobManager, told of the end, stops it (requests it passed on
   * meanwhile are answered, not lost).
   */
  private Behavior<Command> concluded(JobRecord ended) {
    cancelChunks();
    tally.ended(ended);
    String why = "map " + ended.id() + " ended " + ended.state().label()
        + (ended.error() == null ? "" : ": " + ended.error()) + "; it takes no more inputs";
    if (upload != null) {
      upload.end();
      upload.refuseWaiting(why);
    }
    // A map that streams its results lives on until its last ones are read (or nobody reads them for
    // the unread timeout), answering the readers the JobManager passes on; then it says so, and the
    // JobManager stops it (so no reader is passed on to a stopped run).
    boolean streamed = ended.map() != null && ended.map().streamed();
    if (streamed && tally.unread() == 0) {
      jobs.tell(new JobManager.MapDrained(ended.seq()));
    } else if (streamed) {
      timers.startSingleTimer(Unread.TIMED_OUT, Unread.TIMED_OUT, unreads.timeout());
    }
    return Behaviors.receive(Command.class)
        .onMessage(Follow.class, follow -> {
          boolean before = tally.unread() > 0;
          tally.follow(follow.ask());
          if (streamed && before && tally.unread() == 0) {
            timers.cancel(Unread.TIMED_OUT);
            jobs.tell(new JobManager.MapDrained(ended.seq()));
          }
          return Behaviors.same();
        })
        .onMessage(Stop.class, stop -> Behaviors.stopped())
        .onMessage(Unread.class, timedOut -> {
          jobs.tell(new JobManager.MapDrained(ended.seq())); // nobody came: the rest is dropped
          return Behaviors.same();
        })
        .onMessage(FromTasks.class, late -> Behaviors.same())
        .onMessage(Upload.class, late -> {
          late.part().replyTo().tell(JobProtocol.InputsTaken.refused(upload == null ? 0 : upload.received(), why));
          return Behaviors.same();
        })
        .onMessage(NoUpload.class, late -> Behaviors.same())
        .onMessage(Resumed.class, late -> Behaviors.same())
        .onMessage(HandedOver.class, late -> Behaviors.stopped())
        .build();
  }
}
