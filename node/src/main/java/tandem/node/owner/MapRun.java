package tandem.node.owner;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import tandem.node.Json;
import tandem.protocol.WorkerProtocol.Task;

/**
 * One map in flight: which elements each chunk task carries and what came back for each element.
 * Not thread-safe: the JobManager owns it.
 */
final class MapRun {
  /** One chunk: elements [offset, offset + count) of map {@code seq}, sent as one task. */
  record Chunk(long seq, int offset, int count, Task task, int attempts) {
    Chunk started() {
      return new Chunk(seq, offset, count, task, attempts + 1);
    }
  }

  private final String[] results;
  private final String[] errors;
  private final boolean failFast;
  private int settled;

  MapRun(int elements, boolean failFast) {
    this.results = new String[elements];
    this.errors = new String[elements];
    this.failFast = failFast;
  }

  /** Whether the first failed element stops the map. */
  boolean failFast() {
    return failFast;
  }

  /**
   * Records what a worker sent back for a chunk: a JSON array of {@code {"ok": ...}} or
   * {@code {"error": ...}}, or one error for the whole chunk.
   *
   * @return the elements of this chunk that failed
   */
  List<MapView.ElementError> record(Chunk chunk, String resultJson, String chunkError) {
    List<MapView.ElementError> failed = new ArrayList<>();
    JsonNode outcomes = chunkError == null ? Json.read(resultJson) : null;
    for (int i = 0; i < chunk.count(); i++) {
      int index = chunk.offset() + i;
      JsonNode outcome = outcomes == null ? null : outcomes.get(i);
      if (outcome != null && outcome.has("ok")) {
        results[index] = Json.write(outcome.get("ok"));
      } else {
        errors[index] = outcome != null ? outcome.path("error").asText() : chunkError;
        failed.add(new MapView.ElementError(index, errors[index]));
      }
    }
    settled += chunk.count();
    return failed;
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
