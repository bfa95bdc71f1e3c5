package tandem.launcher.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import tandem.protocol.api.Json;

/**
 * The lazy streams of a map's results behind {@link TandemClient#settled}, {@link
 * TandemClient#inOrder} and {@link TandemClient#imap}: pages asked for one after another, put in
 * input order holding only what came ahead of the next, and an upload's end checked after the last.
 */
final class MapStreams {
  private MapStreams() {}

  static Stream<JsonNode> imap(TandemClient client, String job, ObjectNode shared, Iterator<? extends JsonNode> inputs,
      ObjectNode options) {
    ObjectNode map = options == null ? Json.object() : options.deepCopy();
    map.put("inputs", "upload");
    String id = client.submitMap(job, shared, map).join().path("id").asText();
    CompletableFuture<JsonNode> upload = client.uploadInputs(id, inputs);
    Iterator<JsonNode> ordered = client.inOrder(id).iterator();
    Iterator<JsonNode> checked = new Iterator<>() {
      @Override
      public boolean hasNext() {
        if (ordered.hasNext()) {
          return true;
        }
        JsonNode done = client.job(id).join();
        if (!"succeeded".equals(done.path("state").asText())) {
          upload.cancel(true);
          throw new JobFailedException(done);
        }
        return false;
      }

      @Override
      public JsonNode next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return ordered.next();
      }
    };
    return stream(checked);
  }

  static Stream<JsonNode> inOrder(Stream<JsonNode> settledEntries) {
    Iterator<JsonNode> settled = settledEntries.iterator();
    Iterator<JsonNode> ordered = new Iterator<>() {
      private final Map<Integer, JsonNode> ahead = new HashMap<>();
      private int next;
      /** The entry at {@code next} when it came in order: most do, and skip the map. */
      private JsonNode now;

      @Override
      public boolean hasNext() {
        while (now == null && (now = ahead.remove(next)) == null && settled.hasNext()) {
          JsonNode entry = settled.next();
          int index = entry.path("index").asInt();
          if (index == next) {
            now = entry;
          } else {
            ahead.put(index, entry);
          }
        }
        return now != null;
      }

      @Override
      public JsonNode next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        JsonNode entry = now;
        now = null;
        next++;
        return entry;
      }
    };
    return stream(ordered);
  }

  static Stream<JsonNode> settled(TandemClient client, String id) {
    Iterator<JsonNode> pages = new Iterator<>() {
      private int next;
      private boolean done;
      private Iterator<JsonNode> page = Collections.emptyIterator();
      /** The indices handed out, to hand out the rest from the finished job of a map that keeps its results. */
      private final BitSet seen = new BitSet();

      @Override
      public boolean hasNext() {
        while (!page.hasNext() && !done) {
          JsonNode answer = client.mapResults(id, next).join();
          next = answer.path("next").asInt();
          done = TandemClient.isFinal(answer);
          page = answer.path("entries").iterator();
          if (done && !page.hasNext()) {
            page = rest();
          }
        }
        return page.hasNext();
      }

      @Override
      public JsonNode next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        JsonNode entry = page.next();
        seen.set(entry.path("index").asInt());
        return entry;
      }

      /**
       * A map that keeps its results ends with them in its job, not in pages: those not handed out
       * yet come from there, in input order. A map that streamed them has none left.
       */
      private Iterator<JsonNode> rest() {
        JsonNode job = client.job(id).join();
        JsonNode results = job.path("result");
        if (job.path("map").path("streamed").asBoolean() || !results.isArray()) {
          return Collections.emptyIterator();
        }
        Map<Integer, String> errors = new HashMap<>();
        job.path("map").path("errors").forEach(e -> errors.put(e.path("index").asInt(), e.path("error").asText()));
        List<JsonNode> rest = new ArrayList<>();
        for (int i = seen.nextClearBit(0); i < results.size(); i = seen.nextClearBit(i + 1)) {
          ObjectNode entry = Json.object().put("index", i);
          boolean failed = results.get(i).isNull() && (errors.containsKey(i) || job.path("map").path("failed").asInt() > 0);
          if (failed) {
            entry.put("error", errors.getOrDefault(i, "failed, or not run after fail-fast (GET /jobs/" + id + " has the first errors)"));
          } else {
            entry.set("result", results.get(i));
          }
          rest.add(entry);
        }
        return rest.iterator();
      }
    };
    return stream(pages);
  }

  private static <T> Stream<T> stream(Iterator<T> items) {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(items, Spliterator.ORDERED), false);
  }
}
