package tandem.node.owner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Supplier;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import tandem.protocol.api.Json;
import tandem.protocol.ValueCodec;
import tandem.protocol.WorkerProtocol.Task;
import tandem.protocol.WorkerProtocol.TaskResult;
import tandem.protocol.job.BadInputException;
import tandem.protocol.job.Job;
import tandem.protocol.job.JobInput;

/**
 * The maps a node owns: the chunks their elements travel in, what came back for each element, and
 * the clients following them. A pipeline over many inputs reports through here too, one element
 * at a time. Not thread-safe: the JobManager owns it.
 */
final class Maps {
  private final JobOwner owner;
  private final int maxElements;
  /** Chunk task ids start far above job numbers, which single jobs use as their task ids. */
  private long lastChunkId = 1L << 48;
  private final Map<Long, MapRun.Chunk> chunks = new HashMap<>();
  private final Map<Long, MapRun> runs = new HashMap<>();
  private final Map<Long, List<JobManager.MapResults>> followers = new HashMap<>();
  /** Stops the rest of a map that failed fast; a pipeline's map stops its steps instead. */
  private final Map<Long, LongConsumer> stoppers = new HashMap<>();

  Maps(JobOwner owner, int maxElements) {
    this.owner = owner;
    this.maxElements = maxElements;
  }

  /**
   * Accepts a map of {@code job}: each element laid over {@code shared} and checked, then sent in
   * chunks of {@code chunk} (0 picks a size).
   *
   * @throws BadInputException naming the element and what to change
   */
  JobRecord start(Job job, ObjectNode shared, List<ObjectNode> given, int chunk, Reduce reduce, boolean failFast,
      JobOptions options) {
    Placement on = options.on();
    checkCount(given.size());
    List<ObjectNode> elements = new ArrayList<>(given.size());
    for (int i = 0; i < given.size(); i++) {
      ObjectNode params = shared.deepCopy().setAll(given.get(i));
      try {
        JobInput.checked(job, params);
      } catch (BadInputException e) {
        throw new BadInputException("element " + i + ": " + e.getMessage());
      }
      elements.add(params);
    }
    int size = chunk > 0 ? chunk : autoChunk(elements.size(), on);
    long now = System.nanoTime();
    JobRecord record = owner.newJob(job.name(), job.kind(), shared, now)
        .withMap(new MapView(elements.size(), 0, 0, size, reduce, List.of())).withOptions(options);
    List<Task> tasks = new ArrayList<>();
    for (int offset = 0; offset < elements.size(); offset += size) {
      List<ObjectNode> part = elements.subList(offset, Math.min(elements.size(), offset + size));
      Task task = Task.chunk(++lastChunkId, job.name(), ValueCodec.encode(Json.NODES.arrayNode().addAll(part)));
      chunks.put(task.taskId(), new MapRun.Chunk(record.seq(), offset, part.size(), task, 0, 0));
      tasks.add(task);
    }
    if (on == Placement.THREADS) {
      record = record.running(owner.thisNode(), now);
    }
    runs.put(record.seq(), new MapRun(elements.size(), failFast));
    stoppers.put(record.seq(), this::stopChunks);
    owner.jobs().put(record);
    owner.run(tasks, on);
    return record;
  }

  /** Follows a pipeline over many inputs as a map; {@code stop} stops its steps when it fails fast. */
  void follow(long seq, int elements, boolean failFast, LongConsumer stop) {
    checkCount(elements);
    runs.put(seq, new MapRun(elements, failFast));
    stoppers.put(seq, stop);
  }

  private void checkCount(int elements) {
    if (elements == 0 || elements > maxElements) {
      throw new BadInputException("a map takes 1 to " + maxElements + " elements (tandem.jobs.max-map-elements), not " + elements);
    }
  }

  /** Like {@code Pool.map}'s chunksize: about four chunks per worker (or core), so the last ones balance out. */
  private int autoChunk(int elements, Placement on) {
    int workers = on == Placement.THREADS ? Runtime.getRuntime().availableProcessors() : Math.max(1, owner.workers());
    return (int) Math.max(1, Math.min(1000, (elements + workers * 4L - 1) / (workers * 4L)));
  }

  /** Elements of every running map not settled yet. */
  long unsettled() {
    long n = 0;
    for (MapRun run : runs.values()) {
      n += run.unsettled();
    }
    return n;
  }

  boolean isMap(long seq) {
    return runs.containsKey(seq);
  }

  /**
   * The chunk a task carries, if it is one of a map still running; a chunk of a map that ended
   * (cancelled, timed out) is forgotten here, so it is never retried.
   */
  Optional<MapRun.Chunk> chunk(long taskId) {
    MapRun.Chunk chunk = chunks.get(taskId);
    if (chunk != null && !runs.containsKey(chunk.seq())) {
      chunks.remove(taskId);
      return Optional.empty();
    }
    return Optional.ofNullable(chunk);
  }

  /**
   * A chunk's worker was lost. Its elements are retried each on its own task, so each spends its
   * own retries: an element fails only when it was lost more than {@code retries} times, never
   * because the others that shared its chunk were (a chunk of 125 used to fail whole after four
   * kills that each hit a different element). The protocol reports a chunk's elements only when
   * the whole chunk is done, so those the lost worker had finished run again.
   *
   * @param byMemory whether the chunk was running when its worker ran out of memory: every element
   *     is charged with it, since which one did it is not known
   * @return the tasks to run again, in element order; elements out of retries are settled failed
   */
  List<Task> lost(MapRun.Chunk chunk, int retries, boolean byMemory, LossBudget budget, long now) {
    chunks.remove(chunk.task().taskId());
    List<MapRun.Chunk> elements = chunk.count() == 1 ? List.of(chunk) : split(chunk);
    List<Task> again = new ArrayList<>(elements.size());
    Map<Long, String> spent = new LinkedHashMap<>();
    for (MapRun.Chunk e : elements) {
      MapRun.Chunk charged = byMemory
          ? new MapRun.Chunk(e.seq(), e.offset(), 1, e.task(), e.attempts(), e.memoryLosses() + 1) : e;
      chunks.put(charged.task().taskId(), charged);
      String reason = budget.verdict(charged.attempts(), retries, charged.memoryLosses(), byMemory, "this element");
      if (reason != null) {
        spent.put(charged.task().taskId(), reason);
      }
    }
    spent.forEach((taskId, reason) -> chunkDone(TaskResult.failed(taskId, reason, null, -1), now));
    for (MapRun.Chunk e : elements) {
      if (spent.containsKey(e.task().taskId())) {
        continue;
      }
      if (runs.containsKey(e.seq())) {
        again.add(e.task());
      } else {
        chunks.remove(e.task().taskId()); // a failure above ended the map (--fail-fast)
      }
    }
    return again;
  }

  /** A chunk's elements as chunks of one, each with the attempts the chunk had. */
  private List<MapRun.Chunk> split(MapRun.Chunk chunk) {
    JsonNode params = ValueCodec.decode(chunk.task().params());
    List<MapRun.Chunk> out = new ArrayList<>(chunk.count());
    for (int i = 0; i < chunk.count(); i++) {
      Task task = Task.chunk(++lastChunkId, chunk.task().job(), ValueCodec.encode(Json.NODES.arrayNode().add(params.get(i))));
      out.add(new MapRun.Chunk(chunk.seq(), chunk.offset() + i, 1, task, chunk.attempts(), chunk.memoryLosses()));
    }
    return out;
  }

  /** A chunk was handed to a worker once more; its map's seq. */
  long started(long taskId) {
    MapRun.Chunk chunk = chunks.computeIfPresent(taskId, (id, c) -> c.started());
    return chunk == null ? taskId : chunk.seq();
  }

  /**
   * A task ended: if it is a chunk, records its elements' outcomes and returns true; a single
   * job's result is not for here.
   */
  boolean chunkDone(TaskResult result, long now) {
    MapRun.Chunk chunk = chunks.remove(result.taskId());
    if (chunk == null) {
      return false;
    }
    MapRun run = runs.get(chunk.seq());
    Optional<JobRecord> job = owner.jobs().get(chunk.seq()).filter(j -> !j.state().isFinal());
    if (run != null && job.isPresent()) {
      List<MapView.ElementError> failed = run.record(chunk, result.result(), result.error());
      progressed(chunk.seq(), run, job.get(), chunk.count() - failed.size(), failed, now);
    } // else the map was cancelled meanwhile
    return true;
  }

  /** One element of a pipeline over many inputs settled, with its steps for its entry. */
  void elementSettled(long seq, int index, String result, String error, Supplier<String> stepsJson, long now) {
    MapRun run = runs.get(seq);
    Optional<JobRecord> job = owner.jobs().get(seq).filter(j -> !j.state().isFinal());
    if (run == null || job.isEmpty()) {
      return;
    }
    run.recordOne(index, result, error, stepsJson);
    List<MapView.ElementError> failed = error == null ? List.of() : List.of(new MapView.ElementError(index, error));
    progressed(seq, run, job.get(), 1 - failed.size(), failed, now);
  }

  /**
   * Elements settled: updates the map's progress, tells the clients following it, stops it at the
   * first failure with fail-fast, and finishes it when all have settled.
   */
  private void progressed(long seq, MapRun run, JobRecord job, int newlyDone, List<MapView.ElementError> failed, long now) {
    JobRecord progressed = job.withMap(job.map().progressed(newlyDone, failed));
    owner.jobs().put(progressed);
    tellFollowers(seq);
    if (run.failFast() && !failed.isEmpty() && !run.complete()) {
      stop(seq);
      MapView.ElementError first = failed.get(0);
      owner.finish(progressed.concluded(run.resultsJson(),
          "stopped at the first failure (--fail-fast): element " + first.index() + ": " + first.error(), now));
      return;
    }
    if (!run.complete()) {
      return;
    }
    forget(seq);
    MapView view = progressed.map();
    String reason = view.failed() == 0 ? null : view.failed() + " of " + view.total()
        + " elements failed; the first: element " + view.errors().get(0).index() + ": " + view.errors().get(0).error();
    String value;
    try {
      value = view.reduce() == null ? run.resultsJson() : Json.write(view.reduce().apply(run.succeeded()));
    } catch (BadInputException e) {
      value = null;
      reason = e.getMessage();
    }
    owner.finish(progressed.concluded(value, reason, now));
  }

  /** Stops a map that is cancelled or failed fast: its chunks, or its pipeline's steps. */
  void stop(long seq) {
    LongConsumer stopper = stoppers.get(seq);
    forget(seq);
    if (stopper != null) {
      stopper.accept(seq);
    }
  }

  private void forget(long seq) {
    runs.remove(seq);
    stoppers.remove(seq);
  }

  /** Drops a map's queued chunks and interrupts its running ones (which still report back, ignored). */
  private void stopChunks(long seq) {
    List<Long> ids = chunks.values().stream().filter(c -> c.seq() == seq).map(c -> c.task().taskId()).toList();
    owner.stopTasks(ids).forEach(chunks::remove);
  }

  /** A client asks for the elements that settled after the first {@code after}; answered when there are some. */
  void results(JobManager.MapResults ask, Optional<JobRecord> job) {
    MapRun run = job.map(j -> runs.get(j.seq())).orElse(null);
    if (run != null && run.settled() <= ask.after()) {
      followers.computeIfAbsent(job.get().seq(), s -> new ArrayList<>()).add(ask);
    } else {
      answer(ask, job, run);
    }
  }

  /** Answers the clients waiting for news of this map (at its end, with the map as it ended). */
  void tellFollowers(long seq) {
    List<JobManager.MapResults> waiting = followers.remove(seq);
    if (waiting != null) {
      Optional<JobRecord> job = owner.jobs().get(seq);
      MapRun run = runs.get(seq);
      waiting.forEach(ask -> answer(ask, job, run));
    }
  }

  private static void answer(JobManager.MapResults ask, Optional<JobRecord> job, MapRun run) {
    ask.replyTo().tell(run == null
        ? new JobManager.MapEntries(job, "[]", ask.after())
        : new JobManager.MapEntries(job, run.entriesAfter(ask.after()), run.settled()));
  }
}
