package tandem.node.owner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import tandem.node.Reduce;
import tandem.protocol.ChunkForm;
import tandem.protocol.ValueCodec;
import tandem.protocol.WorkerProtocol.Task;
import tandem.protocol.api.Json;
import tandem.protocol.job.BadInputException;
import tandem.protocol.job.Job;
import tandem.protocol.job.JobInput;

/**
 * Makes the chunks of one map, each a task with a new id from the node's counter: the next elements
 * of those its submission gave (a range's bounds only, listed ones laid over the shared
 * parameters), elements of an upload as they come, or the parts of a chunk lost with its worker. A
 * chunk whose results fold says so, and the worker folds them. Before a map runs, its elements are
 * checked as they will be made, and its chunks sized when it asks for no size. Its {@link MapRun}
 * decides when a chunk goes out; this class only what is in it. Not thread-safe: one MapRun owns it.
 */
final class ChunkMaker {
  private final MapRun.Plan plan;
  /** The map's sequence number, which each chunk carries. */
  private final long seq;
  /** Elements per chunk of the given elements. */
  private final int perChunk;
  /** The reduce a chunk's results are folded with in the worker, or null when each result comes back. */
  private final String fold;
  /** The node's counter of task ids, shared by its maps. */
  private final AtomicLong taskIds;

  /** @param record the map as accepted: its chunk size and reduce stay as they are for its whole run */
  ChunkMaker(MapRun.Plan plan, JobRecord record, AtomicLong taskIds) {
    this.plan = plan;
    this.seq = record.seq();
    this.perChunk = record.map().chunk();
    Reduce reduce = record.map().reduce();
    this.fold = reduce != null && reduce.folds() ? reduce.label() : null;
    this.taskIds = taskIds;
  }

  /**
   * Checks each element laid over {@code shared}, so a bad one refuses the whole map before
   * anything runs. Of a range, only the first and the last: every element between takes a value
   * between theirs, and none is made before its chunk goes out.
   *
   * @throws BadInputException naming the element and what to change
   */
  static void check(Job job, ObjectNode shared, List<ObjectNode> given) {
    int n = given.size();
    for (int i = 0; i < n; i++) {
      if (given instanceof RangeElements && i > 0 && i < n - 1) {
        i = n - 1;
      }
      try {
        JobInput.checked(job, shared.deepCopy().setAll(given.get(i)));
      } catch (BadInputException e) {
        throw new BadInputException("element " + i + ": " + e.getMessage());
      }
    }
  }

  /**
   * Like {@code Pool.map}'s chunksize: about four chunks per worker (or core), so the last ones
   * balance out; at most 1,000 elements a chunk when each element's result comes back, 100,000
   * when a range's results fold in the worker (then a chunk is its bounds out and one partial back).
   */
  static int autoChunk(List<ObjectNode> elements, Reduce reduce, Placement on, int workers) {
    int takers = on == Placement.THREADS ? Runtime.getRuntime().availableProcessors() : Math.max(1, workers);
    int most = elements instanceof RangeElements && reduce != null && reduce.folds() ? 100_000 : 1000;
    return (int) Math.max(1, Math.min(most, (elements.size() + takers * 4L - 1) / (takers * 4L)));
  }

  /**
   * The chunk of the given elements that starts at {@code from}: as many as a chunk takes, or those
   * left before {@code before} (where elements that settled before a takeover begin).
   */
  Chunk given(int from, int before) {
    List<ObjectNode> given = plan.given();
    int end = (int) Math.min(Math.min(given.size(), before), (long) from + perChunk);
    JsonNode part;
    if (given instanceof RangeElements range) { // its bounds only: the worker makes the elements
      part = ChunkForm.range(range.key(), range.from() + from * range.step(), range.step(), end - from, plan.shared(), fold);
    } else {
      ArrayNode listed = Json.NODES.arrayNode(end - from);
      for (int i = from; i < end; i++) {
        listed.add(plan.shared().deepCopy().setAll(given.get(i)));
      }
      part = ChunkForm.listed(listed, fold);
    }
    Task task = Task.chunk(taskIds.incrementAndGet(), plan.job().name(), ValueCodec.encode(part));
    return new Chunk(seq, from, end - from, task, 0, 0);
  }

  /** The chunk of uploaded elements, consecutive ones as the upload gives them ({@link MapUpload#nextChunk}). */
  Chunk uploaded(List<MapUpload.Pending> elements) {
    ArrayNode listed = Json.NODES.arrayNode(elements.size());
    elements.forEach(element -> listed.add(element.params()));
    Task task = Task.chunk(taskIds.incrementAndGet(), plan.job().name(), ValueCodec.encode(ChunkForm.listed(listed, fold)));
    return new Chunk(seq, elements.get(0).index(), elements.size(), task, 0, 0);
  }

  /** A chunk's elements as at most {@code parts} chunks of about equal size, each with the attempts the chunk had. */
  List<Chunk> split(Chunk chunk, int parts) {
    JsonNode params = ValueCodec.decode(chunk.task().params());
    int size = (chunk.count() + parts - 1) / parts;
    List<Chunk> out = new ArrayList<>(parts);
    for (int start = 0; start < chunk.count(); start += size) {
      int count = Math.min(size, chunk.count() - start);
      Task task = Task.chunk(taskIds.incrementAndGet(), chunk.task().job(), ValueCodec.encode(ChunkForm.slice(params, start, count)));
      out.add(new Chunk(chunk.seq(), chunk.offset() + start, count, task, chunk.attempts(), chunk.memoryLosses()));
    }
    return out;
  }
}
