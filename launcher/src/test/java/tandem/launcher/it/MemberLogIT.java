package tandem.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tandem.launcher.cli.MemberLogTail;
import tandem.launcher.client.MemberLog;
import tandem.launcher.client.TandemClient;
import tandem.protocol.api.Json;

/**
 * GET /members/{member}/log on a real node with a worker JVM: each process's own recent lines
 * through the node, by pid or address, paged by Tandem-Log-Next; and the errors a reader can make.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemberLogIT {
  private final HttpClient http = HttpClient.newHttpClient();
  private Dist dist;
  private String url;
  private TandemClient client;
  private JsonNode node;
  private JsonNode worker;

  @BeforeAll
  void start() throws Exception {
    dist = new Dist();
    Dist.Node started = dist.node("node", 1);
    url = started.url();
    client = started.client();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (node == null || worker == null || !node.path("pid").isNumber() || !worker.path("pid").isNumber()) {
      assertTrue(System.nanoTime() < deadline, "both members with pids in /members");
      for (JsonNode m : client.members().join()) {
        if (m.has("httpUrl")) {
          node = m;
        } else {
          worker = m;
        }
      }
    }
  }

  @AfterAll
  void stop() {
    dist.close();
  }

  private HttpResponse<String> log(String member, String query) throws Exception {
    String path = "/members/" + URLEncoder.encode(member, StandardCharsets.UTF_8) + "/log" + query;
    return http.send(HttpRequest.newBuilder(URI.create(url + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The member's log once it holds {@code text}, waiting a while for it. */
  private HttpResponse<String> logHolding(String member, String text) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      HttpResponse<String> r = log(member, "?lines=1000");
      assertEquals(200, r.statusCode(), r.body());
      if (r.body().contains(text) || System.nanoTime() > deadline) {
        return r;
      }
      Thread.sleep(100);
    }
  }

  @Test
  @DisplayName("the node and the worker each show their own lines, by pid or address, as dated text with the next sequence number")
  void eachProcessItsOwnLines() throws Exception {
    String workerPid = worker.path("pid").asText();
    HttpResponse<String> ofNode = logHolding(node.path("pid").asText(), "started worker process pid " + workerPid);
    assertTrue(ofNode.body().contains("started worker process pid " + workerPid), ofNode.body());
    assertFalse(ofNode.body().contains("offering"), ofNode.body());
    assertTrue(ofNode.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; charset=UTF-8"), ofNode.headers().toString());
    assertTrue(ofNode.body().matches("(?s)\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*"), ofNode.body());
    assertEquals(node.path("address").asText(), ofNode.headers().firstValue("Tandem-Log-Member").orElse(""));

    HttpResponse<String> ofWorker = logHolding(workerPid, "offering ");
    assertTrue(ofWorker.body().contains(" slots to the node at "), ofWorker.body());
    assertFalse(ofWorker.body().contains("started worker process"), ofWorker.body());
    assertEquals(workerPid, ofWorker.headers().firstValue("Tandem-Log-Pid").orElse(""));

    // By address (URL-encoded, slashes and all) it is the same member.
    HttpResponse<String> byAddress = log(worker.path("address").asText(), "?lines=1000");
    assertEquals(200, byAddress.statusCode(), byAddress.body());
    assertTrue(byAddress.body().contains(" slots to the node at "), byAddress.body());
  }

  @Test
  @DisplayName("after=Tandem-Log-Next gives only newer lines, and after=next-2 the last two seen")
  void pagesBySequence() throws Exception {
    HttpResponse<String> first = logHolding(node.path("pid").asText(), "started worker process");
    long next = Long.parseLong(first.headers().firstValue("Tandem-Log-Next").orElseThrow());
    List<String> seen = first.body().lines().toList();
    HttpResponse<String> newer = log(node.path("address").asText(), "?lines=1000&after=" + next);
    assertEquals(200, newer.statusCode(), newer.body());
    for (String line : seen) {
      assertFalse(newer.body().contains(line), "an old line again: " + line);
    }
    assertTrue(Long.parseLong(newer.headers().firstValue("Tandem-Log-Next").orElseThrow()) >= next);
    assertTrue(newer.headers().firstValue("Tandem-Log-Missed").isEmpty(), newer.headers().toString());

    // The two events up to next: the end of the first answer (unless the node logged more since).
    HttpResponse<String> lastTwo = log(node.path("pid").asText(), "?lines=1000&after=" + (next - 2));
    if (lastTwo.headers().firstValue("Tandem-Log-Next").orElseThrow().equals(String.valueOf(next))) {
      assertTrue(!lastTwo.body().isEmpty() && lastTwo.body().length() < first.body().length()
          && first.body().endsWith(lastTwo.body()), lastTwo.body());
    }

    HttpResponse<String> one = log(node.path("pid").asText(), "?lines=1");
    assertEquals(1, one.body().lines().count(), one.body());
    assertTrue(Long.parseLong(one.headers().firstValue("Tandem-Log-Missed").orElse("0")) >= 1, one.headers().toString());
  }

  @Test
  @DisplayName("an unknown member is a 404 naming the members with their pids; lines=0 or a bad after a 400")
  void refusesWhatItCannotServe() throws Exception {
    HttpResponse<String> unknown = log("pekko://tandem@10.9.9.9:1", "");
    assertEquals(404, unknown.statusCode(), unknown.body());
    String error = Json.read(unknown.body()).path("error").asText();
    assertTrue(error.contains(node.path("address").asText() + " (pid " + node.path("pid").asText() + ", node)"), error);
    assertTrue(error.contains(worker.path("address").asText() + " (pid " + worker.path("pid").asText() + ", worker)"), error);
    assertTrue(error.contains("or a pid"), error);

    HttpResponse<String> zero = log(node.path("pid").asText(), "?lines=0");
    assertEquals(400, zero.statusCode(), zero.body());
    assertTrue(Json.read(zero.body()).path("error").asText().contains("from 1 to 1000"), zero.body());
    HttpResponse<String> after = log(node.path("pid").asText(), "?after=soon");
    assertEquals(400, after.statusCode(), after.body());
    assertTrue(Json.read(after.body()).path("error").asText().contains("after must be"), after.body());

    String metrics = http.send(HttpRequest.newBuilder(URI.create(url + "/metrics")).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(metrics.contains("route=\"/members/{member}/log\""), "counted by its template");
  }

  @Test
  @DisplayName("the Java client and the CLI's MemberLogTail read a worker's log by pid")
  void javaClientAndTail() throws Exception {
    logHolding(worker.path("pid").asText(), "offering ");
    MemberLog log = client.memberLog(worker.path("pid").asText(), 0, 5).join();
    assertEquals(worker.path("address").asText(), log.address());
    assertEquals(worker.path("pid").asLong(), log.pid());
    assertTrue(log.text().lines().count() >= 1 && log.text().lines().count() <= 5, log.text());
    assertTrue(log.next() >= 1);
    MemberLog newer = client.memberLog(log.address(), log.next(), 1000).join();
    log.text().lines().forEach(line -> assertFalse(newer.text().contains(line), "an old line again: " + line));

    StringWriter out = new StringWriter();
    int code = new MemberLogTail(client, new PrintWriter(out)).print(worker.path("pid").asText(), 1000, false);
    assertEquals(0, code);
    assertTrue(out.toString().contains(" slots to the node at "), out.toString());
  }
}
