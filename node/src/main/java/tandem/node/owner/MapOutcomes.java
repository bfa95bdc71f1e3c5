package tandem.node.owner;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import tandem.node.Reduce;
import tandem.node.ResultValue;
import tandem.protocol.ChunkForm;
import tandem.protocol.ValueCodec;
import tandem.protocol.api.Json;
import tandem.protocol.job.BadInputException;

/**
 * What came back for each element of a map in flight, and in which order they settled. A map whose
 * reduce folds (sum, min, max, count) keeps none of that, only the fold and a count: its memory does
 * not grow with its size. Not thread-safe: one actor owns it.
 */
final class MapOutcomes {

  /** How many elements the map has; grows while an upload brings them ({@link #open}). */
  private int total;
  /** Whether more elements may come (an upload not ended yet): the map is not complete before. */
  private boolean open;
  /** Per element, its result as JSON text; null for a folding map. */
  private final String[] results;
  private final String[] errors;
  /**
   * Per element, its steps (a pipeline's) as JSON, or null; written only when a client reads the
   * entry, since most elements of a large map are never read one by one.
   */
  private final Supplier<String>[] steps;
  private final boolean failFast;
  /** Element indices in the order they settled, so clients can be sent what is new. */
  private final int[] order;
  /** The results folded so far, for a map whose reduce folds; else null. */
  private final Reduce.Fold fold;
  /** Why the fold could not take a result (not a number), once it could not. */
  private String foldError;
  private int settled;

  /**
   * Entries settled and not yet read, in settling order, when results stream (see {@link
   * MapView#streamed}); else null. The first is the entry at position {@code dropped}.
   */
  private final ArrayDeque<String> unread;
  /** How many streamed entries were read and dropped. */
  private int dropped;
  /** The position up to which streamed entries were handed to a reader (read or not yet). */
  private int served;

  /**
   * @param reduce how results are reduced, or null; a folding one keeps no result per element
   * @param streams whether results are kept only until read (and the map ends without them)
   */
  MapOutcomes(int elements, boolean failFast, Reduce reduce, boolean streams) {
    this(elements, false, failFast, reduce, streams);
  }

  /**
   * @param open whether elements are still to come ({@link #received}); such a map keeps no result
   *     per element, it folds or streams them
   */
  MapOutcomes(int elements, boolean open, boolean failFast, Reduce reduce, boolean streams) {
    if (open && reduce != null && !reduce.folds() || open && reduce == null && !streams) {
      throw new IllegalArgumentException("a map whose elements are still to come folds or streams its results");
    }
    this.total = elements;
    this.open = open;
    this.fold = reduce != null && reduce.folds() ? new Reduce.Fold(reduce) : null;
    this.unread = fold == null && streams ? new ArrayDeque<>() : null;
    int kept = fold == null && !streams ? elements : 0;
    this.results = new String[kept];
    this.errors = new String[kept];
    @SuppressWarnings("unchecked")
    Supplier<String>[] none = new Supplier[kept];
    this.steps = none;
    this.failFast = failFast;
    this.order = new int[kept];
  }

  /** Whether the first failed element stops the map. */
  boolean failFast() {
    return failFast;
  }

  /**
   * Records what a worker sent back for a chunk: an encoded array of {@code {"ok": ...}} or
   * {@code {"error": ...}}, or one error for the whole chunk. An element's bytes are kept as their
   * JSON view (size and hash), like any element's result.
   *
   * @return the elements of this chunk that failed
   */
  List<MapView.ElementError> record(Chunk chunk, byte[] encoded, String chunkError) {
    List<MapView.ElementError> failed = new ArrayList<>();
    JsonNode outcomes = null;
    if (chunkError == null) {
      try {
        outcomes = ValueCodec.decode(encoded);
      } catch (ValueCodec.MalformedValueException e) { // a worker of another build, or a bug: these elements fail, not the map's run
        chunkError = "the worker sent results this node cannot read (" + e.getMessage() + "); is it of the same Tandem version?";
      }
    }
    if (outcomes != null && outcomes.isObject() && outcomes.has(ChunkForm.FOLD)) { // folded in the worker
      for (JsonNode error : outcomes.get("errors")) {
        failed.add(new MapView.ElementError(chunk.offset() + error.get(0).asInt(), error.get(1).asText()));
      }
      if (foldError == null) {
        try {
          fold.merge(outcomes.get(ChunkForm.FOLD), outcomes.get("ok").asLong());
        } catch (BadInputException e) {
          foldError = e.getMessage();
        }
      }
      settled += chunk.count();
      return failed;
    }
    for (int i = 0; i < chunk.count(); i++) {
      int index = chunk.offset() + i;
      JsonNode outcome = outcomes == null ? null : outcomes.get(i);
      String error = outcome == null ? chunkError : outcome.has("ok") ? null : outcome.path("error").asText();
      if (error != null) {
        failed.add(new MapView.ElementError(index, error));
      }
      if (fold != null) {
        folded(error == null ? outcome.get("ok") : null);
        continue;
      }
      if (unread != null) {
        unread.add(entry(index, error == null ? ResultValue.of(outcome.get("ok")).json() : null, error, null));
        continue;
      }
      order[settled + i] = index;
      if (error == null) {
        results[index] = ResultValue.of(outcome.get("ok")).json();
      } else {
        errors[index] = error;
      }
    }
    settled += chunk.count();
    return failed;
  }

  /**
   * Records one element's outcome, with more for its entry: {@code stepsJson} writes its {@code
   * steps} (a pipeline's); null for none.
   */
  void recordOne(int index, String resultJson, String error, Supplier<String> stepsJson) {
    if (unread != null) {
      settled++;
      unread.add(entry(index, resultJson, error, stepsJson));
      return;
    }
    if (fold != null) {
      settled++;
      folded(error == null ? Json.read(resultJson) : null);
      return;
    }
    order[settled++] = index;
    if (error == null) {
      results[index] = resultJson;
    } else {
      errors[index] = error;
    }
    steps[index] = stepsJson;
  }

  private void folded(JsonNode result) {
    if (result == null || foldError != null) {
      return;
    }
    try {
      fold.add(result);
    } catch (BadInputException e) {
      foldError = e.getMessage();
    }
  }

  /** Whether results are folded as they come, not kept. */
  boolean folds() {
    return fold != null;
  }

  /** The fold of the results that succeeded, as JSON text. */
  String foldedJson() {
    if (foldError != null) {
      throw new BadInputException(foldError);
    }
    return Json.write(fold.value());
  }

  /** How many elements have settled: the position a client that has seen everything is at. */
  int settled() {
    return settled;
  }

  /**
   * The elements that settled after the first {@code after}, as JSON text: {@code [{"index": i,
   * "result": ...} or {"index": i, "error": ...}, ...]}, in the order they settled. A folding map
   * keeps no entries: it has none to show (its progress and first errors are in its view).
   */
  String entriesAfter(int after) {
    if (fold != null) {
      return "[]";
    }
    if (unread != null) {
      return streamedAfter(after);
    }
    StringBuilder out = new StringBuilder("[");
    for (int p = Math.max(0, after); p < settled; p++) {
      int i = order[p];
      out.append(p == after ? "" : ",").append(entry(i, results[i], errors[i], steps[i]));
    }
    return out.append(']').toString();
  }

  /**
   * Streamed entries from position {@code after}: asking from there says the reader has those
   * before it, so they are dropped. Entries already dropped are gone: a reader that asks from
   * before them gets what is left.
   */
  private String streamedAfter(int after) {
    readTo(after);
    served = Math.max(served, dropped + unread.size());
    StringBuilder out = new StringBuilder("[");
    boolean first = true;
    for (String e : unread) {
      out.append(first ? "" : ",").append(e);
      first = false;
    }
    return out.append(']').toString();
  }

  /** A reader has the streamed entries before position {@code after}: they are dropped. */
  void readTo(int after) {
    while (unread != null && dropped < after && !unread.isEmpty()) {
      unread.pollFirst();
      dropped++;
    }
  }

  /** Settled entries nobody has read yet, for a map that streams its results. */
  int unread() {
    return unread == null ? 0 : unread.size();
  }

  /**
   * Whether a map that streams its results holds as many as it may: {@code most} not handed to a
   * reader yet, or twice that with those handed out and not yet read past. The reader works
   * through one page while the next fills, so neither waits for the other (double buffering).
   */
  boolean full(int most) {
    if (unread == null) {
      return false;
    }
    int handedOut = Math.max(0, served - dropped);
    return unread.size() - handedOut >= most || unread.size() >= 2L * most;
  }

  private static String entry(int index, String result, String error, Supplier<String> steps) {
    StringBuilder out = new StringBuilder("{\"index\":").append(index);
    if (error == null) {
      out.append(",\"result\":").append(result);
    } else {
      out.append(",\"error\":").append(Json.write(Json.NODES.textNode(error)));
    }
    if (steps != null) {
      out.append(",\"steps\":").append(steps.get());
    }
    return out.append('}').toString();
  }

  /** Elements not settled yet (of those received, while more may come). */
  int unsettled() {
    return total - settled;
  }

  /** {@code more} elements came (an upload): the map has that many more. */
  void received(int more) {
    if (!open) {
      throw new IllegalStateException("no more elements come to this map");
    }
    total += more;
  }

  /** No more elements come: the map is complete once those it has settled. */
  void closed() {
    open = false;
  }

  boolean complete() {
    return !open && settled == total;
  }

  /** The results in input order as JSON text, null where an element failed. */
  String resultsJson() {
    StringBuilder out = new StringBuilder(results.length * 8).append('[');
    for (int i = 0; i < results.length; i++) {
      out.append(i == 0 ? "" : ",").append(results[i] == null ? "null" : results[i]);
    }
    return out.append(']').toString();
  }

  /** The results of the elements that succeeded, in input order, for a reduce. */
  List<JsonNode> succeeded() {
    List<JsonNode> out = new ArrayList<>();
    for (String r : results) {
      if (r != null) {
        out.add(Json.read(r));
      }
    }
    return out;
  }
}
