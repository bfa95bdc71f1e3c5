package tandem.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tandem.launcher.client.TandemClient;
import tandem.node.Json;

/** Nodes stopped on purpose: they drain their jobs, leave, stop their workers and exit 0. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GracefulStopIT {
  private Dist dist;
  private Dist.Background draining;
  private Dist.Background hurried;
  private String drainingUrl;
  private String hurriedUrl;

  @BeforeAll
  void start() throws Exception {
    dist = new Dist();
    Path shortDrain = dist.work().resolve("short-drain.conf");
    Files.writeString(shortDrain, "tandem.node.drain-deadline = 2s\n");
    draining = dist.start("draining", "node", "--port", "0", "--http-port", "0", "--workers", "1");
    hurried = dist.start("hurried", "node", "--port", "0", "--http-port", "0", "--workers", "1",
        "--config", shortDrain.toString());
    drainingUrl = draining.await(Pattern.compile("http (http://\\S+),"), Duration.ofSeconds(60)).group(1);
    hurriedUrl = hurried.await(Pattern.compile("http (http://\\S+),"), Duration.ofSeconds(60)).group(1);
    draining.await(Pattern.compile("takes up to"), Duration.ofSeconds(60));
    hurried.await(Pattern.compile("takes up to"), Duration.ofSeconds(60));
  }

  @AfterAll
  void stop() {
    dist.close();
  }

  private static List<Long> workersOf(Dist.Background node) {
    return node.process().toHandle().children().map(ProcessHandle::pid).toList();
  }

  @Test
  @DisplayName("SIGTERM: the node refuses new jobs with 503, finishes the running one, stops its worker and exits 0")
  void sigtermDrains() throws Exception {
    TandemClient client = new TandemClient(URI.create(drainingUrl));
    String id = client.submit("spin", Json.object().put("ms", 3000)).join().path("id").asText();
    CompletableFuture<com.fasterxml.jackson.databind.JsonNode> finished = client.awaitJob(id);
    Thread.sleep(500);
    List<Long> workers = workersOf(draining);
    draining.process().toHandle().destroy(); // SIGTERM
    Thread.sleep(500);
    Http.Answer refused = Http.post(drainingUrl + "/jobs", "application/json", "{\"job\":\"square\",\"params\":{\"x\":1}}");
    assertEquals(503, refused.status(), refused.body().toString());
    assertTrue(refused.body().path("error").asText().contains("stopping"), refused.body().toString());
    assertEquals("succeeded", finished.get(20, TimeUnit.SECONDS).path("state").asText(), "the running job finished");
    assertTrue(draining.process().waitFor(30, TimeUnit.SECONDS), "the node exits");
    assertEquals(0, draining.process().exitValue());
    workers.forEach(pid -> assertTrue(Dist.gone(pid), "worker " + pid + " stopped with its node"));
  }

  @Test
  @DisplayName("tandem stop: past the drain deadline the unfinished job is cancelled and the node still exits 0")
  void stopCommandHonoursTheDeadline() throws Exception {
    TandemClient client = new TandemClient(URI.create(hurriedUrl));
    client.submit("spin", Json.object().put("ms", 60_000)).join();
    Thread.sleep(300);
    Dist.Result stopped = dist.run("stop", "--node", hurriedUrl);
    assertEquals(0, stopped.exit(), stopped.toString());
    assertTrue(stopped.out().contains("is stopping"), stopped.toString());
    long start = System.nanoTime();
    assertTrue(hurried.process().waitFor(30, TimeUnit.SECONDS), "the node exits");
    assertEquals(0, hurried.process().exitValue());
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20), "it did not wait for the 60 s job");
    assertTrue(Files.readString(hurried.log()).contains("drain deadline passed; cancelling 1 unfinished"),
        Files.readString(hurried.log()));
  }
}
