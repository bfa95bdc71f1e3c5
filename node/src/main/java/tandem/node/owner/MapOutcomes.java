package tandem.node.owner;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import tandem.protocol.api.Json;
import tandem.protocol.ValueCodec;
import tandem.node.ResultValue;

/**
 * What came back for each element of a map in flight, and in which order they settled. Not
 * thread-safe: one actor owns it.
 */
final class MapOutcomes {

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
  private int settled;

  MapOutcomes(int elements, boolean failFast) {
    this.results = new String[elements];
    this.errors = new String[elements];
    @SuppressWarnings("unchecked")
    Supplier<String>[] none = new Supplier[elements];
    this.steps = none;
    this.failFast = failFast;
    this.order = new int[elements];
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
    for (int i = 0; i < chunk.count(); i++) {
      int index = chunk.offset() + i;
      order[settled + i] = index;
      JsonNode outcome = outcomes == null ? null : outcomes.get(i);
      if (outcome != null && outcome.has("ok")) {
        results[index] = ResultValue.of(outcome.get("ok")).json();
      } else {
        errors[index] = outcome != null ? outcome.path("error").asText() : chunkError;
        failed.add(new MapView.ElementError(index, errors[index]));
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
    order[settled++] = index;
    if (error == null) {
      results[index] = resultJson;
    } else {
      errors[index] = error;
    }
    steps[index] = stepsJson;
  }

  /** How many elements have settled: the position a client that has seen everything is at. */
  int settled() {
    return settled;
  }

  /**
   * The elements that settled after the first {@code after}, as JSON text: {@code [{"index": i,
   * "result": ...} or {"index": i, "error": ...}, ...]}, in the order they settled.
   */
  String entriesAfter(int after) {
    StringBuilder out = new StringBuilder("[");
    for (int p = Math.max(0, after); p < settled; p++) {
      int i = order[p];
      out.append(p == after ? "" : ",").append("{\"index\":").append(i);
      if (results[i] != null) {
        out.append(",\"result\":").append(results[i]);
      } else {
        out.append(",\"error\":").append(Json.write(Json.NODES.textNode(errors[i])));
      }
      if (steps[i] != null) {
        out.append(",\"steps\":").append(steps[i].get());
      }
      out.append('}');
    }
    return out.append(']').toString();
  }

  /** Elements not settled yet. */
  int unsettled() {
    return results.length - settled;
  }

  boolean complete() {
    return settled == results.length;
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
