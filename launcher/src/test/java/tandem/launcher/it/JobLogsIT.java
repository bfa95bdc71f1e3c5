package tandem.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tandem.launcher.client.JobLog;
import tandem.launcher.client.TandemClient;
import tandem.launcher.client.TandemException;
import tandem.protocol.api.Json;

/** Each job's own logs on a real node with two worker processes: captured per task, kept, followed, found by element. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobLogsIT {
  private Dist dist;
  private String url;
  private TandemClient client;

  @BeforeAll
  void start() throws Exception {
    dist = new Dist();
    Dist.Node node = dist.node("node", 2);
    url = node.url();
    client = node.client();
  }

  @AfterAll
  void stop() {
    dist.close();
  }

  private String submit(String text, int lines, int pause, boolean fail) {
    return client.submit("print", Json.object().put("text", text).put("lines", lines).put("pause", pause).put("fail", fail))
        .join().path("id").asText();
  }

  @Test
  @DisplayName("two jobs printing at once in two workers each get only their own lines, the logger's line, and a failure's stderr")
  void eachJobGetsItsOwnOutput() throws Exception {
    String a = submit("alpha", 5, 100, false);
    String b = submit("beta <script>alert(1)</script>", 5, 100, true);
    client.awaitJob(a).join();
    JsonNode failed = client.awaitJob(b).join();
    assertEquals("failed", failed.path("state").asText(), failed.toString());

    String alpha = client.logs(a).join().text();
    assertEquals(5, alpha.lines().filter(l -> l.startsWith("alpha ")).count(), alpha);
    assertFalse(alpha.contains("beta"), alpha);
    assertTrue(alpha.contains(" INFO printed 5 lines of 'alpha'"), alpha);

    Dist.Result cli = dist.run("logs", b, "--node", url);
    assertEquals(0, cli.exit(), cli.toString());
    assertTrue(cli.out().startsWith("beta <script>alert(1)</script> 1\n"), cli.toString());
    assertFalse(cli.out().contains("alpha"), cli.toString());
    assertTrue(cli.out().endsWith("giving up, as asked\n"), cli.toString());
  }

  @Test
  @DisplayName("a running job's lines arrive while it runs (tandem logs --follow), and --follow ends with the job's exit code")
  void followsARunningJob() throws Exception {
    String id = submit("tick", 6, 700, false);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    JobLog seen = client.logs(id).join();
    while (!seen.text().contains("tick 1") && System.nanoTime() < deadline) {
      Thread.sleep(100);
      seen = client.logs(id).join();
    }
    assertTrue(seen.text().contains("tick 1"), seen.toString());
    assertEquals("running", seen.state(), "its first lines came before it ended: " + seen);
    JobLog rest = client.logs(id, seen.next(), null).join();
    assertFalse(rest.text().contains("tick 1\n"), "from next, only what is new: " + rest);

    Dist.Result follow = dist.run("logs", id, "--follow", "--node", url);
    assertEquals(0, follow.exit(), follow.toString());
    for (int i = 1; i <= 6; i++) {
      assertTrue(follow.out().contains("tick " + i + "\n"), follow.toString());
    }
    String failing = submit("x", 1, 0, true);
    Dist.Result failed = dist.run("logs", failing, "-f", "--node", url);
    assertEquals(1, failed.exit(), failed.toString());
  }

  @Test
  @DisplayName("a map's elements' lines are marked with their index and found by it; a retry is noted in the log")
  void mapElementsByIndex() throws Exception {
    var map = Json.object();
    map.putObject("range").put("key", "lines").put("from", 1).put("to", 40);
    JsonNode done = client.runMap("print", Json.object().put("text", "el"), map).join();
    String id = done.path("id").asText();
    String all = client.logs(id).join().text();
    assertTrue(all.contains("[39] el 40\n"), all);
    assertTrue(all.lines().allMatch(l -> l.matches("\\[\\d+\\] .*")), all);
    String seventh = client.logs(id, 0, 6L).join().text();
    assertEquals("el 1\nel 2\nel 3\nel 4\nel 5\nel 6\nel 7\n", seventh.substring(0, seventh.indexOf("20")), seventh);
    Dist.Result cli = dist.run("logs", id, "--element", "2", "--node", url);
    assertTrue(cli.out().startsWith("el 1\nel 2\nel 3\n"), cli.toString());

    var options = Json.object().put("retryOnError", true).put("retries", 1);
    JsonNode retried = client.run("print", Json.object().put("text", "again").put("fail", true), options).join();
    String log = client.logs(retried.path("id").asText()).join().text();
    assertTrue(log.contains("[tandem] attempt 1 (worker pid "), log);
    assertTrue(log.contains(" failed (IllegalStateException: failed on purpose"), log);
    assertEquals(2, log.lines().filter(l -> l.equals("again 1")).count(), log);
  }

  @Test
  @DisplayName("a job that prints megabytes keeps its last 64 KiB, says how much was dropped, and the node serves on")
  void largeOutputIsCut() throws Exception {
    JsonNode done = client.run("print", Json.object().put("text", "y".repeat(100)).put("lines", 100_000)).join();
    String log = client.logs(done.path("id").asText()).join().text();
    assertTrue(log.length() <= 64 * 1024 + 300, "kept " + log.length());
    assertTrue(log.startsWith("[... "), log.substring(0, 200));
    long dropped = Long.parseLong(log.substring(5, log.indexOf(' ', 5)));
    assertTrue(dropped > 10_000_000 - 70_000, "dropped " + dropped);
    assertTrue(log.endsWith(" INFO printed 100000 lines of '" + "y".repeat(100) + "'\n"), log.substring(log.length() - 300));
    assertEquals("succeeded", client.run("square", Json.object().put("x", 3)).join().path("state").asText());
  }

  @Test
  @DisplayName("wrong requests for logs get 400 or 404 with what to do")
  void badRequests() throws Exception {
    String id = submit("one", 1, 0, false);
    client.awaitJob(id).join();
    TandemException notMap = unwrap(assertThrows(CompletionException.class, () -> client.logs(id, 0, 3L).join()));
    assertEquals(400, notMap.status());
    assertTrue(notMap.getMessage().contains("is not a map"), notMap.getMessage());
    TandemException unknown = unwrap(assertThrows(CompletionException.class, () -> client.logs("zz-99").join()));
    assertEquals(404, unknown.status());
    Dist.Result negative = dist.run("logs", id, "--element", "-1", "--node", url);
    assertEquals(2, negative.exit(), negative.toString());
    Dist.Result from = dist.run("logs", "--node", url);
    assertEquals(2, from.exit(), from.toString());
  }

  private static TandemException unwrap(CompletionException e) {
    assertTrue(e.getCause() instanceof TandemException, String.valueOf(e.getCause()));
    return (TandemException) e.getCause();
  }
}
