package tandem.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.Locale;
import tandem.protocol.api.Json;

/**
 * Prints a map's elements as they settle: at once with {@code unordered}, else as soon as every
 * element before them has been printed. A failed element's error goes to stderr (or into the JSON
 * line), so a pipe sees only results.
 */
final class MapPrinter {
  private final boolean unordered;
  private final boolean json;
  private final PrintWriter out;
  private final PrintWriter err;
  private final Map<Integer, JsonNode> waiting = new HashMap<>();
  private final boolean progress;
  private final long started = System.nanoTime();
  private boolean[] printed = new boolean[0];
  private int nextInOrder;

  MapPrinter(boolean unordered, boolean json, boolean progress, PrintWriter out, PrintWriter err) {
    this.unordered = unordered;
    this.json = json;
    this.progress = progress;
    this.out = out;
    this.err = err;
  }

  /** One {@code {index, result|error}} entry from the node. */
  void settled(JsonNode entry, int total) {
    if (printed.length < total) {
      // grows with an upload's elements, kept so finish() prints only what was not printed
      printed = java.util.Arrays.copyOf(printed, Math.max(total, printed.length * 2));
    }
    int index = entry.path("index").asInt();
    if (unordered) {
      print(index, entry);
      return;
    }
    waiting.put(index, entry);
    while (waiting.containsKey(nextInOrder)) {
      print(nextInOrder, waiting.remove(nextInOrder));
      nextInOrder++;
    }
  }

  /** Prints, in input order, every element of the finished map not printed yet. */
  void finish(JsonNode job) {
    JsonNode results = job.path("result");
    Map<Integer, String> errors = new HashMap<>();
    job.path("map").path("errors").forEach(e -> errors.put(e.path("index").asInt(), e.path("error").asText()));
    if (printed.length < results.size()) {
      printed = java.util.Arrays.copyOf(printed, results.size());
    }
    for (int i = 0; i < results.size(); i++) {
      if (printed[i]) {
        continue;
      }
      ObjectNode entry = Json.object().put("index", i);
      boolean failed = results.get(i).isNull() && (errors.containsKey(i) || job.path("map").path("failed").asInt() > 0);
      if (failed) {
        entry.put("error", errors.getOrDefault(i, "failed, or not run after --fail-fast"));
      } else {
        entry.set("result", results.get(i));
      }
      print(i, entry);
    }
    clearProgress();
    out.flush();
  }

  void progress(int settled, int total) {
    if (!progress || total == 0) {
      return;
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    double rate = settled / Math.max(seconds, 1e-3);
    long eta = rate > 0 ? Math.round((total - settled) / rate) : 0;
    int width = 30;
    int filled = (int) ((long) width * settled / total);
    err.printf(Locale.ROOT, "\r[%s%s] %d/%d  %.0f/s  ETA %ds ", "=".repeat(filled), " ".repeat(width - filled),
        settled, total, rate, eta);
    err.flush();
  }

  /** A line for the user on stderr, clear of the progress line. */
  void note(String line) {
    clearProgress();
    err.println(line);
    err.flush();
  }

  private void clearProgress() {
    if (progress) {
      err.print("\r" + " ".repeat(70) + "\r");
      err.flush();
    }
  }

  private void print(int index, JsonNode entry) {
    if (index < printed.length) {
      printed[index] = true;
    }
    if (json) {
      out.println(Json.write(entry));
    } else if (entry.has("error")) {
      clearProgress();
      err.println("element " + index + ": " + entry.path("error").asText());
    } else {
      JsonNode r = entry.path("result");
      out.println(r.isTextual() ? r.asText() : Json.write(r));
    }
  }
}
