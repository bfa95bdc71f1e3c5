package tandem.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tandem.launcher.client.TandemClient;
import tandem.protocol.api.Json;

/**
 * Issue 11: no request can exhaust a node. One real node with one worker is sent the extreme value
 * of every number a request can carry, over HTTP and over the job stream; each must be answered at
 * once with a 4xx that says what is wrong, and the node must then run jobs as before. Prints the
 * node's peak memory, so the figure can be quoted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestLimitsIT {
  private static final String MIN = String.valueOf(Long.MIN_VALUE);
  private static final String MAX = String.valueOf(Long.MAX_VALUE);
  /** Every kind of number a client might send where a whole number is expected. */
  private static final List<String> EXTREMES = List.of(MAX, MIN, "9223372036854775808", "1e308", "-1e308", "1.5", "-0.0",
      "\"NaN\"");
  /** No answer may take longer: a hang is what this test is for. */
  private static final Duration ANSWER = Duration.ofSeconds(30);

  private Dist dist;
  private String url;
  private long pid;
  private TandemClient client;

  @BeforeAll
  void start() throws Exception {
    dist = new Dist();
    Dist.Background node = dist.start("node", "node", "--port", "0", "--http-port", "0", "--workers", "1");
    url = node.await(Pattern.compile("http (http://\\S+),"), Duration.ofSeconds(60)).group(1);
    client = new TandemClient(URI.create(url));
    Dist.awaitWorkers(client, 1, Duration.ofSeconds(60));
    pid = client.health().join().path("pid").asLong();
  }

  @AfterAll
  void stop() {
    dist.close();
  }

  /** Posts {@code body} and checks the answer is {@code status} with an error that contains {@code says}. */
  private void refused(String body, int status, String says) {
    Http.Answer answer = assertTimeoutPreemptively(ANSWER, () -> Http.post(url + "/jobs?wait=true", "application/json", body),
        () -> "no answer within " + ANSWER + " to " + brief(body));
    String error = answer.body().path("error").asText();
    assertEquals(status, answer.status(), () -> brief(body) + " -> " + answer);
    assertTrue(error.contains(says), () -> brief(body) + " -> " + error);
  }

  private static String brief(String body) {
    return body.length() <= 200 ? body : body.substring(0, 200) + "... (" + body.length() + " characters)";
  }

  private static String range(String from, String to, String step) {
    return "{\"job\":\"square\",\"range\":{\"key\":\"x\",\"from\":" + from + ",\"to\":" + to + ",\"step\":" + step + "}}";
  }

  @Test
  @DisplayName("every extreme number over HTTP and the job stream gets a 4xx that says what to change; then jobs run as before")
  void extremeNumbersAreRefused() throws Exception {
    // The ranges of the issue: the element count overflowed, and the node died of OutOfMemoryError.
    refused(range("0", MAX, MAX), 400, "element 1: parameter x of job 'square' must be from -3037000499 to 3037000499");
    refused(range(MIN, "9", "1"), 400, "range has 9223372036854775818 elements; a map takes at most 2147483647");
    refused(range(MIN, MAX, "1"), 400, "range has 18446744073709551616 elements");
    refused(range(MIN, MAX, MAX), 400, "element 0: parameter x of job 'square' must be from");
    for (String step : List.of("0", "-0", "-1", MIN)) {
      refused(range("0", "9", step), 400, "range step must be a whole number of 1 or more");
    }
    for (String v : EXTREMES) {
      if (!v.equals(MAX) && !v.equals(MIN)) {
        refused(range(v, "9", "1"), 400, "range needs \"from\" as a whole number");
        refused(range("0", v, "1"), 400, "range needs \"to\" as a whole number");
        refused(range("0", "9", v), 400, "range needs \"step\" as a whole number");
      }
      String map = "{\"job\":\"square\",\"range\":{\"key\":\"x\",\"from\":0,\"to\":9},";
      refused(map + "\"chunk\":" + v + "}", 400, "chunk (elements per task) must be a whole number from 1 to 1000000");
      refused("{\"job\":\"square\",\"params\":{\"x\":1},\"timeout\":" + v + "}", 400, "timeout");
      refused("{\"job\":\"square\",\"params\":{\"x\":1},\"retries\":" + v + "}", 400, "retries must be a whole number from 0 to 100");
    }
    // Every whole-number parameter of every job in the catalog.
    int params = 0;
    for (JsonNode job : Http.get(url + "/catalog").body()) {
      for (JsonNode param : job.path("params")) {
        if (!param.path("type").asText().equals("integer") || job.path("name").asText().equals("noop")) {
          continue; // noop takes any long
        }
        for (String v : EXTREMES) {
          ObjectNode body = Json.object().put("job", job.path("name").asText());
          ObjectNode given = body.putObject("params");
          for (JsonNode other : job.path("params")) {
            if (other.path("required").asBoolean()) {
              given.set(other.path("name").asText(),
                  other.path("type").asText().equals("integer") ? Json.NODES.numberNode(0) : Json.NODES.textNode("a"));
            }
          }
          given.set(param.path("name").asText(), Json.read(v));
          String must = "parameter " + param.path("name").asText() + " of job '" + job.path("name").asText() + "' must be";
          refused(Json.write(body), 400, must);
        }
        params++;
      }
    }
    assertTrue(params >= 10, "the catalog lists the built-ins' whole-number parameters: " + params);
    // Lists: one more than a map or pipeline may hold, and more JSON values than a body may.
    refused("{\"job\":\"square\",\"values\":{\"key\":\"x\",\"values\":[" + "1,".repeat(100_000) + "1]}}", 400,
        "values has more than 100000 elements");
    refused("{\"job\":\"square\",\"inputs\":[" + "{},".repeat(100_000) + "{}]}", 400, "inputs has more than 100000 elements");
    refused("{\"pipeline\":[" + "{\"job\":\"noop\"},".repeat(100) + "{\"job\":\"noop\"}]}", 400, "pipeline has more than 100 steps");
    refused("{\"job\":\"noop\",\"params\":{\"x\":[" + "[],".repeat(2_000_000) + "[]]}}", 400,
        "more than 2000000 JSON values (tandem.http.max-json-values)");
    refused("{\"job\":\"noop\",\"params\":{\"x\":\"" + "a".repeat(65 << 20) + "\"}}", 413, "tandem.http.max-body-bytes");

    jobStreamRefusesTooMuch();

    // http-get refuses cloud metadata and the node's own API (bound to an ephemeral port here).
    for (String target : List.of("http://169.254.169.254/latest/meta-data/", url + "/health")) {
      JsonNode job = Http.job(url, "http-get", "{\"url\":\"" + target + "\"}");
      assertEquals("failed", job.path("state").asText(), job::toString);
      assertTrue(job.path("error").asText().contains("http-get refuses " + target), job::toString);
    }

    // The node is unharmed: a job and a map run as before.
    assertEquals(144, Http.job(url, "square", "{\"x\":12}").path("result").asLong());
    Http.Answer map = Http.post(url + "/jobs?wait=true", "application/json",
        "{\"job\":\"square\",\"range\":{\"key\":\"x\",\"from\":1,\"to\":1000},\"reduce\":\"sum\"}");
    assertEquals(200, map.status(), map::toString);
    assertEquals(333_833_500L, map.body().path("result").asLong());
    assertEquals("ok", client.health().join().path("status").asText());
    System.out.println("RequestLimitsIT: node pid " + pid + " after every extreme request: " + memory(pid));
  }

  /** Over the job stream: a refused line is answered with its tag, a message of too many lines as a whole. */
  private void jobStreamRefusesTooMuch() throws Exception {
    LinkedBlockingQueue<String> answers = new LinkedBlockingQueue<>();
    WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create(url.replace("http://", "ws://") + "/jobs/stream"), new WebSocket.Listener() {
          private final StringBuilder partial = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
              partial.toString().lines().forEach(answers::add);
              partial.setLength(0);
            }
            ws.request(1);
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
    try {
      List<String> lines = new ArrayList<>();
      lines.add("{\"tag\":1,\"job\":\"square\",\"range\":{\"key\":\"x\",\"from\":" + MIN + ",\"to\":" + MAX + "}}");
      lines.add("{\"tag\":2,\"job\":\"square\",\"inputs\":[" + "{},".repeat(100_000) + "{}]}");
      lines.add("{\"tag\":3,\"job\":\"sleep\",\"params\":{\"ms\":1e308}}");
      socket.sendText(String.join("\n", lines), true).get(10, TimeUnit.SECONDS);
      socket.sendText("{\"job\":\"noop\"}\n".repeat(70_000), true).get(10, TimeUnit.SECONDS);
      socket.sendText("{\"tag\":4,\"job\":\"square\",\"params\":{\"x\":3}}", true).get(10, TimeUnit.SECONDS);
      ArrayNode got = Json.NODES.arrayNode();
      long deadline = System.nanoTime() + ANSWER.toNanos();
      while (got.size() < 5 && System.nanoTime() < deadline) {
        String line = answers.poll(1, TimeUnit.SECONDS);
        if (line != null) {
          got.add(Json.read(line));
        }
      }
      assertEquals(5, got.size(), () -> "answers: " + got);
      for (JsonNode a : got) {
        switch (a.path("tag").asInt(0)) {
          case 1 -> assertTrue(a.path("status").asInt() == 400 && a.path("error").asText().contains("range has 18446744073709551616 elements"), a::toString);
          case 2 -> assertTrue(a.path("status").asInt() == 400 && a.path("error").asText().startsWith("inputs has more than 100000"), a::toString);
          case 3 -> assertTrue(a.path("status").asInt() == 400 && a.path("error").asText().contains("parameter ms of job 'sleep'"), a::toString);
          case 4 -> assertEquals(9, a.path("result").asLong(), a::toString);
          default -> assertTrue(a.path("status").asInt() == 400 && a.path("error").asText().contains("a message takes at most 65536 jobs"), a::toString);
        }
      }
    } finally {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }
  }

  /** The node's peak resident memory (from /proc) and its heap now (from jcmd, when the JDK has it). */
  private static String memory(long pid) throws IOException, InterruptedException {
    String status = Files.readString(Path.of("/proc/" + pid + "/status"));
    String peak = status.lines().filter(l -> l.startsWith("VmHWM")).findFirst().orElse("VmHWM unknown").replaceAll("\\s+", " ");
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    String heap = "jcmd not found";
    if (Files.isExecutable(jcmd)) {
      Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), "GC.heap_info").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      heap = p.waitFor(30, TimeUnit.SECONDS) ? out.lines().filter(l -> l.contains("total")).map(l -> l.trim().replaceAll(" \\[.*", ""))
          .collect(java.util.stream.Collectors.joining("; ")) : "jcmd timed out";
    }
    return "peak RSS " + peak + "; heap " + heap + " (the node runs with -Xmx1g)";
  }
}
