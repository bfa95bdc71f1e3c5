package tandem.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.NoSuchElementException;
import tandem.protocol.api.Json;

/**
 * The forms a map chunk's parameters take in a {@link WorkerProtocol.Task} ({@code chunk} true),
 * and the form of a folded chunk's result. A range never travels as its elements: the worker makes
 * them, so a chunk of a million elements is a few dozen bytes.
 *
 * <ul>
 *   <li>{@code [params, params, ...]}: the elements listed (each element's full parameters);
 *   <li>{@code {"elements": [params, ...], "fold": f}}: the same, to be folded;
 *   <li>{@code {"range": {"key", "from", "step", "count"}, "shared": params, "fold": f}}: element
 *       {@code i} is {@code shared} with {@code key} set to {@code from + i * step}; {@code fold}
 *       may be left out.
 * </ul>
 *
 * Without {@code fold} a chunk's result is an array with one {@code {"ok": result}} or {@code
 * {"error": reason}} per element, in order. With {@code fold} (sum, min, max or count) the worker
 * folds the results that succeed and answers {@code {"fold": value, "ok": n, "errors": [[i,
 * reason], ...]}}, so only the partial travels back.
 */
public final class ChunkForm {
  private ChunkForm() {}

  public static final String FOLD = "fold";

  /** A chunk of a range: {@code count} elements from {@code from}, {@code step} apart. */
  public static ObjectNode range(String key, long from, long step, int count, ObjectNode shared, String fold) {
    ObjectNode chunk = Json.object();
    chunk.putObject("range").put("key", key).put("from", from).put("step", step).put("count", count);
    chunk.set("shared", shared);
    if (fold != null) {
      chunk.put(FOLD, fold);
    }
    return chunk;
  }

  /** A chunk of listed elements, folded when {@code fold} is given. */
  public static JsonNode listed(ArrayNode elements, String fold) {
    if (fold == null) {
      return elements;
    }
    ObjectNode chunk = Json.object();
    chunk.set("elements", elements);
    chunk.put(FOLD, fold);
    return chunk;
  }

  /** The fold a chunk asks for, or null. */
  public static String fold(JsonNode chunk) {
    return chunk.isObject() && chunk.hasNonNull(FOLD) ? chunk.get(FOLD).asText() : null;
  }

  /** How many elements a chunk holds. */
  public static int count(JsonNode chunk) {
    if (chunk.isArray()) {
      return chunk.size();
    }
    return chunk.has("range") ? chunk.get("range").get("count").asInt() : chunk.get("elements").size();
  }

  /** A chunk's elements, in order; a range's are made one by one as they are asked for. */
  public static Iterator<ObjectNode> elements(JsonNode chunk) {
    if (!chunk.has("range")) {
      Iterator<JsonNode> listed = (chunk.isArray() ? chunk : chunk.get("elements")).elements();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return listed.hasNext();
        }

        @Override
        public ObjectNode next() {
          return (ObjectNode) listed.next();
        }
      };
    }
    JsonNode range = chunk.get("range");
    String key = range.get("key").asText();
    long from = range.get("from").asLong();
    long step = range.get("step").asLong();
    int count = range.get("count").asInt();
    ObjectNode shared = (ObjectNode) chunk.get("shared");
    return new Iterator<>() {
      private int i;

      @Override
      public boolean hasNext() {
        return i < count;
      }

      @Override
      public ObjectNode next() {
        if (i >= count) {
          throw new NoSuchElementException();
        }
        ObjectNode params = shared.deepCopy();
        params.put(key, from + (i++) * step);
        return params;
      }
    };
  }

  /** Elements [start, start + count) of {@code chunk} as a chunk of the same form (a lost chunk is split so). */
  public static JsonNode slice(JsonNode chunk, int start, int count) {
    String fold = fold(chunk);
    if (chunk.has("range")) {
      JsonNode range = chunk.get("range");
      long step = range.get("step").asLong();
      return range(range.get("key").asText(), range.get("from").asLong() + start * step, step, count,
          (ObjectNode) chunk.get("shared"), fold);
    }
    JsonNode listed = chunk.isArray() ? chunk : chunk.get("elements");
    ArrayNode part = Json.NODES.arrayNode(count);
    for (int i = start; i < start + count; i++) {
      part.add(listed.get(i));
    }
    return listed(part, fold);
  }
}
