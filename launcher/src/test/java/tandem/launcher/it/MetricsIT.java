package tandem.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tandem.launcher.client.TandemClient;
import tandem.protocol.api.Json;

/** GET /metrics on a real node with a worker: Prometheus text that parses, counters that move as jobs run. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsIT {
  /** One sample line of the text format: name, labels (whose quoted values may hold braces: route="/jobs/{id}"), value. */
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[^\"}]|\"(?:[^\"\\\\]|\\\\.)*\")*\\})? (\\S+)$");
  private final HttpClient http = HttpClient.newHttpClient();
  private Dist dist;
  private String url;
  private TandemClient client;

  @BeforeAll
  void start() throws Exception {
    dist = new Dist();
    Dist.Node node = dist.node("node", 1);
    url = node.url();
    client = node.client();
  }

  @AfterAll
  void stop() {
    dist.close();
  }

  private String scrape() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/metrics")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"), r.headers().toString());
    return r.body();
  }

  /** Every sample, keyed by its name and labels as written; a line that is no sample or comment fails. */
  private static Map<String, Double> samples(String text) {
    Map<String, Double> out = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertTrue(m.matches(), "not a sample line: " + line);
      out.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
    }
    return out;
  }

  private static double sum(Map<String, Double> samples, String name, String... labels) {
    double total = 0;
    for (var e : samples.entrySet()) {
      String key = e.getKey();
      if (!key.startsWith(name + "{") && !key.equals(name)) {
        continue;
      }
      boolean all = true;
      for (String label : labels) {
        all &= key.contains(label);
      }
      total += all ? e.getValue() : 0;
    }
    return total;
  }

  @Test
  @DisplayName("jobs, map elements, tasks, HTTP requests and every member's JVM show in /metrics, counters move, and promtool (where installed) accepts the text")
  void countsWhatRuns() throws Exception {
    Map<String, Double> before = samples(scrape());
    client.run("square", Json.object().put("x", 7)).join();
    client.run("read-file", Json.object().put("path", "no-such-file.txt")).join();
    var map = Json.object();
    map.putObject("range").put("key", "x").put("from", 1).put("to", 100);
    client.runMap("square", Json.object(), map).join();
    // A worker answers for itself once the node lists it as a member, which may come after its
    // first tasks (it offers itself before): wait for that, bounded.
    String text = scrape();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (sum(samples(text), "tandem_member_resident_memory_bytes", "role=\"worker\"") == 0 && System.nanoTime() < deadline) {
      Thread.sleep(200);
      text = scrape();
    }
    Map<String, Double> after = samples(text);

    assertTrue(sum(after, "tandem_jobs_submitted_total", "job=\"square\"", "kind=\"cpu\"")
        >= sum(before, "tandem_jobs_submitted_total", "job=\"square\"") + 2, text);
    assertEquals(1, sum(after, "tandem_jobs_finished_total", "job=\"read-file\"", "state=\"failed\"")
        - sum(before, "tandem_jobs_finished_total", "job=\"read-file\"", "state=\"failed\""), 1e-9, text);
    assertEquals(100, sum(after, "tandem_map_elements_settled_total", "job=\"square\"", "outcome=\"succeeded\"")
        - sum(before, "tandem_map_elements_settled_total", "job=\"square\"", "outcome=\"succeeded\""), 1e-9, text);
    assertEquals(0, sum(after, "tandem_map_elements_pending"), 1e-9, text);
    assertTrue(sum(after, "tandem_task_run_seconds_count", "job=\"square\"") >= 2, text);
    assertTrue(sum(after, "tandem_task_queue_wait_seconds_count", "job=\"square\"") >= 2, text);
    assertTrue(sum(after, "tandem_http_requests_total", "route=\"/jobs\"", "method=\"POST\"") >= 3, text);
    assertTrue(sum(after, "tandem_http_requests_total", "route=\"/metrics\"", "status=\"200\"") >= 1, text);
    assertEquals(1, sum(after, "tandem_workers", "status=\"up\"") + sum(after, "tandem_workers", "status=\"joining\""), 1e-9, text);
    // Both processes' own JVM figures, through the node.
    assertTrue(sum(after, "tandem_member_resident_memory_bytes", "role=\"worker\"") > 10e6, text);
    assertTrue(sum(after, "tandem_member_resident_memory_bytes", "role=\"node\"") > 10e6, text);
    assertTrue(sum(after, "tandem_member_tasks_run_total", "role=\"worker\"") >= 2, text);
    assertTrue(sum(after, "tandem_member_cpu_seconds_total", "role=\"worker\"") > 0, text);
    // The node's own JVM, from the client's JVM metrics.
    assertTrue(sum(after, "jvm_memory_used_bytes", "area=\"heap\"") > 0, text);
    assertTrue(after.keySet().stream().anyMatch(k -> k.startsWith("jvm_gc_collection_seconds")), text);
    assertTrue(after.containsKey("process_cpu_seconds_total"), text);

    Path promtool = Path.of("/usr/bin/promtool");
    if (Files.isExecutable(promtool)) {
      Path file = dist.work().resolve("metrics.txt");
      Files.writeString(file, text);
      Process check = new ProcessBuilder(promtool.toString(), "check", "metrics")
          .redirectInput(file.toFile()).redirectErrorStream(true).start();
      assertTrue(check.waitFor(30, TimeUnit.SECONDS), "promtool did not finish");
      String said = new String(check.getInputStream().readAllBytes());
      // Lint remarks (a counter's unit, say) are not errors; exit 1 with "error" would be.
      assertTrue(check.exitValue() == 0 || !said.toLowerCase().contains("error"), said);
      System.out.println("promtool check metrics: exit " + check.exitValue() + (said.isBlank() ? "" : ": " + said.trim()));
    } else {
      System.out.println("promtool is not installed here (Debian's prometheus package; .ci/run installs it): checked the text in Java only");
    }
  }
}
