package tandem.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tandem.launcher.client.TandemClient;
import tandem.protocol.api.Json;

/** 'tandem scale' on a real node: more workers join at once; fewer finish their running jobs first. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScaleIT {
  private Dist dist;
  private String url;
  private TandemClient client;
  private Dist.Background node;
  private String seed;

  @BeforeAll
  void start() throws Exception {
    dist = new Dist();
    // A worker that cannot join gives up after 5 s, and the node forgets it 10 s after that.
    java.nio.file.Path config = dist.work().resolve("join.conf");
    java.nio.file.Files.writeString(config, "pekko.cluster.shutdown-after-unsuccessful-join-seed-nodes = 5s\n");
    node = dist.start("node", "node", "--port", "0", "--http-port", "0", "--workers", "1", "--config", config.toString());
    var ready = node.await(Pattern.compile("cluster pekko://tandem@(\\S+), http (http://\\S+),"), Duration.ofSeconds(60));
    seed = ready.group(1);
    url = ready.group(2);
    client = new TandemClient(URI.create(url));
    awaitWorkers(1, Duration.ofSeconds(60));
  }

  @AfterAll
  void stop() {
    dist.close();
  }

  private void awaitWorkers(int count, Duration limit) throws InterruptedException {
    Dist.awaitWorkers(client, count, limit);
  }

  private long workerMembers() {
    long count = 0;
    for (JsonNode m : client.members().join()) {
      count += m.path("roles").toString().contains("worker") ? 1 : 0;
    }
    return count;
  }

  @Test
  @DisplayName("scale 1 -> 3: both new workers take work; 3 -> 1: the two that go finish their running jobs (no retry), then their processes end")
  void growsAndShrinks() throws Exception {
    Dist.Result grow = dist.run("scale", "--workers", "3", "--node", url);
    assertEquals(0, grow.exit(), grow.toString());
    assertTrue(grow.out().contains("1 -> 3 workers") && grow.out().contains("2 new worker(s) ready in"), grow.toString());
    // scale returned once both were ready: no wait needed here
    assertEquals(3, client.health().join().path("workers").asInt(), "ready when scale returned");
    // A new worker takes work before it is Up; the member list shows it as it joins.
    long listDeadline = System.nanoTime() + 10_000_000_000L;
    while (workerMembers() != 3 && System.nanoTime() < listDeadline) {
      Thread.sleep(100);
    }
    assertEquals(3, workerMembers(), client.members().join().toString());

    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(client.submit("spin", Json.object().put("ms", 3000)).join().path("id").asText());
    }
    Set<Long> pids = new HashSet<>();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (pids.size() < 3 && System.nanoTime() < deadline) {
      pids.clear();
      for (String id : ids) {
        JsonNode job = client.job(id).join();
        if ("running".equals(job.path("state").asText())) {
          pids.add(job.path("ranOn").path("pid").asLong());
        }
      }
      Thread.sleep(50);
    }
    assertEquals(3, pids.size(), "each of the 3 workers runs one spin");

    Dist.Result shrink = dist.run("scale", "--workers", "1", "--node", url);
    assertEquals(0, shrink.exit(), shrink.toString());
    assertTrue(shrink.out().contains("3 -> 1 workers") && shrink.out().contains("stopping 2"), shrink.toString());
    for (String id : ids) {
      JsonNode job = client.awaitJob(id).join();
      assertEquals("succeeded", job.path("state").asText(), job.toString());
      assertEquals(1, job.path("attempts").asInt(), "finished where it ran, not retried: " + job);
    }
    awaitWorkers(1, Duration.ofSeconds(30));
    long gone = pids.stream().filter(Dist::gone).count();
    deadline = System.nanoTime() + 10_000_000_000L;
    while (gone < 2 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      gone = pids.stream().filter(Dist::gone).count();
    }
    assertEquals(2, gone, "two worker processes ended");
    assertEquals(9, client.call("square", Json.object().put("x", 3)).join().asInt(), "the one left serves on");
  }

  @Test
  @DisplayName("scale refuses a count out of range, exit 2; POST /workers refuses a bad body with 400 and a reason")
  void badCounts() throws Exception {
    Dist.Result tooMany = dist.run("scale", "--workers", "999", "--node", url);
    assertEquals(2, tooMany.exit(), tooMany.toString());
    assertTrue(tooMany.err().contains("0 to 256"), tooMany.toString());
    var http = java.net.http.HttpClient.newHttpClient();
    var answer = http.send(java.net.http.HttpRequest.newBuilder(URI.create(url + "/workers"))
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"count\": \"many\"}")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(400, answer.statusCode(), answer.body());
    assertTrue(Json.read(answer.body()).path("error").asText().contains("from 0 to 256"), answer.body());
  }

  @Test
  @DisplayName("a worker that offers itself but cannot join (a configuration the cluster refuses) is forgotten once it gives up, not counted for ever")
  void workerThatNeverJoinsIsForgotten() throws Exception {
    awaitWorkers(1, Duration.ofSeconds(60));
    java.nio.file.Path incompatible = dist.work().resolve("incompatible.conf");
    // The cluster refuses a member whose downing provider differs from its own.
    java.nio.file.Files.writeString(incompatible, "pekko.cluster.downing-provider-class = \"\"\n");
    Dist.Background stranger = dist.start("stranger", "worker", "--seed", seed, "--config", incompatible.toString());
    stranger.await(Pattern.compile("incompatible cluster configuration"), Duration.ofSeconds(30));
    // Forgotten 15 s after its offer, which came before its refusal; a check a whole deadline after
    // the one before (an offer in between) made that up to 30 s.
    node.await(Pattern.compile("offered itself but never joined the cluster"), Duration.ofSeconds(25));
    awaitWorkers(1, Duration.ofSeconds(5));
    assertEquals(16, client.call("square", Json.object().put("x", 4)).join().asInt());
  }
}
