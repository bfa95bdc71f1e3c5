package tandem.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tandem.protocol.api.Json;

/**
 * A real cluster of JVMs on 127.0.0.1 with free ports: node A with 2 workers, node B (seeded from
 * A) with 1 worker, and 1 worker started by hand: 2 nodes, 4 workers. Every process is killed afterwards, pass or fail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  private static final Pattern READY =
      Pattern.compile("tandem node ready: cluster pekko://tandem@127\\.0\\.0\\.1:(\\d+), http (\\S+), workers \\d+, pid (\\d+)");

  private Dist dist;
  private Dist.Background nodeA;
  private Dist.Background nodeB;
  private Dist.Background workerByHand;
  private String urlA;
  private String urlB;
  private String seedA;

  @BeforeAll
  void startCluster() throws Exception {
    dist = new Dist();
    // A small body limit: an oversized body is quick to send, so the 413 arrives before the upload ends.
    java.nio.file.Path config = dist.work().resolve("small-body.conf");
    java.nio.file.Files.writeString(config, "tandem.http.max-body-bytes = 1 MiB\n");
    nodeA = dist.start("node-a", "node", "--port", "0", "--http-port", "0", "--workers", "2", "--config", config.toString());
    Matcher a = nodeA.await(READY, Duration.ofSeconds(60));
    urlA = a.group(2);
    String seed = "127.0.0.1:" + a.group(1);
    seedA = seed;
    nodeB = dist.start("node-b", "node", "--port", "0", "--http-port", "0", "--workers", "1", "--seed", seed);
    urlB = nodeB.await(READY, Duration.ofSeconds(60)).group(2);
    workerByHand = dist.start("worker-by-hand", "worker", "--seed", seed);
    workerByHand.await(Pattern.compile("tandem worker ready"), Duration.ofSeconds(60));
    awaitMembers(2, 4, Duration.ofSeconds(90));
  }

  @AfterAll
  void stopCluster() {
    List<ProcessHandle> everything = List.of(nodeA.process().toHandle(), nodeB.process().toHandle());
    List<Long> pids = everything.stream().flatMap(ProcessHandle::descendants).map(ProcessHandle::pid).toList();
    dist.close();
    pids.forEach(pid -> assertTrue(awaitGone(pid, Duration.ofSeconds(10)), "pid " + pid + " is still running"));
  }

  private void awaitMembers(int nodes, int workers, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    JsonNode members = null;
    while (System.nanoTime() < deadline) {
      members = Http.get(urlA + "/members").body();
      if (count(members, "node") == nodes && count(members, "worker") == workers) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("members never reached " + nodes + " nodes and " + workers + " workers: " + members);
  }

  private static long count(JsonNode members, String role) {
    long n = 0;
    for (JsonNode m : members) {
      if (m.path("status").asText().equals("Up") && m.path("roles").toString().contains(role) && m.path("pid").isNumber()) {
        n++;
      }
    }
    return n;
  }

  private Set<Long> pids(String role) throws Exception {
    Set<Long> pids = new HashSet<>();
    for (JsonNode m : Http.get(urlA + "/members").body()) {
      if (m.path("roles").toString().contains(role)) {
        pids.add(m.path("pid").asLong());
      }
    }
    return pids;
  }

  @Test
  @Order(1)
  @DisplayName("members lists both nodes and all four workers, Up, each with its own OS pid")
  void membersAreListed() throws Exception {
    assertEquals(Set.of(nodeA.pid(), nodeB.pid()), pids("node"));
    Set<Long> workers = pids("worker");
    assertEquals(4, workers.size());
    Set<Long> children = new HashSet<>();
    nodeA.process().children().forEach(c -> children.add(c.pid()));
    assertTrue(workers.containsAll(children) && children.size() == 2, "node A's two children are workers");
    // Started by hand through bin/tandem, a node and a worker map the build's class archive for
    // their kind, as those Tandem starts itself do.
    assertMapsArchive(nodeA.pid(), "node");
    assertMapsArchive(workerByHand.pid(), "worker");
  }

  private static void assertMapsArchive(long pid, String kind) throws java.io.IOException {
    String maps = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/maps"));
    assertTrue(maps.contains("/lib/cds/" + kind + "-"), kind + " pid " + pid + " maps no " + kind + " class archive");
  }

  @Test
  @Order(2)
  @DisplayName("a CPU job runs in a worker process, never in a node")
  void cpuJobsRunInWorkers() throws Exception {
    JsonNode job = Http.job(urlA, "primes", "{\"n\":1000000}");
    assertEquals("succeeded", job.path("state").asText());
    assertEquals(78498, job.path("result").asLong());
    assertEquals("worker", job.path("ranOn").path("role").asText());
    long pid = job.path("ranOn").path("pid").asLong();
    assertTrue(pids("worker").contains(pid));
    assertFalse(pids("node").contains(pid));
    assertEquals("cpu", job.path("kind").asText());
    assertTrue(job.path("timings").path("totalMs").asDouble() >= job.path("timings").path("runMs").asDouble());
  }

  @Test
  @Order(3)
  @DisplayName("an I/O job runs on the node that accepted it, on an I/O dispatcher thread")
  void ioJobsRunOnTheNode() throws Exception {
    JsonNode job = Http.job(urlB, "sleep", "{\"ms\":300}");
    assertEquals("succeeded", job.path("state").asText());
    assertEquals("node", job.path("ranOn").path("role").asText());
    assertEquals(nodeB.pid(), job.path("ranOn").path("pid").asLong());
    assertTrue(job.path("ranOn").path("thread").asText().contains("io-dispatcher"), job.toString());
    assertTrue(job.path("timings").path("runMs").asDouble() >= 300);
    JsonNode get = Http.job(urlB, "http-get", "{\"url\":\"" + urlA + "/health\"}");
    assertEquals(200, get.path("result").path("status").asInt(), get.toString());
  }

  @Test
  @Order(3)
  @DisplayName("any node answers for a job another node owns, now or once it is final")
  void anyNodeFindsAnyJob() throws Exception {
    String id = Http.job(urlB, "square", "{\"x\":3}").path("id").asText();
    Http.Answer fromA = Http.get(urlA + "/jobs/" + id);
    assertEquals(200, fromA.status(), fromA.toString());
    assertEquals(9, fromA.body().path("result").asInt());
    Http.Answer queued = Http.post(urlB + "/jobs", "application/json", "{\"job\":\"sleep\",\"params\":{\"ms\":400}}");
    Http.Answer waited = Http.get(urlA + "/jobs/" + queued.body().path("id").asText() + "?wait=true");
    assertEquals(200, waited.status(), waited.toString());
    assertEquals("succeeded", waited.body().path("state").asText());
    Dist.Result status = dist.run("status", id, "--node", urlA);
    assertEquals(0, status.exit(), status.toString());
  }

  @Test
  @Order(4)
  @DisplayName("every worker takes work from every node: node B's jobs spread over A's workers and the hand-started one")
  void workersAreShared() throws Exception {
    List<CompletableFuture<JsonNode>> jobs = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      jobs.add(CompletableFuture.supplyAsync(() -> {
        try {
          return Http.job(urlB, "spin", "{\"ms\":150}");
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    Set<Long> ranIn = new HashSet<>();
    for (var f : jobs) {
      JsonNode job = f.join();
      assertEquals("succeeded", job.path("state").asText());
      ranIn.add(job.path("ranOn").path("pid").asLong());
    }
    Set<Long> bChildren = new HashSet<>();
    nodeB.process().children().forEach(c -> bChildren.add(c.pid()));
    ranIn.removeAll(bChildren);
    assertTrue(ranIn.size() >= 2, "node B's jobs ran in workers it did not start: " + ranIn);
  }

  @Test
  @Order(5)
  @DisplayName("every bad request gets a 4xx with a one-line reason, never a 5xx, and the node keeps serving")
  void badRequestsGetReasons() throws Exception {
    String[][] cases = {
      {"application/json", "{\"job\":\"nope\"}", "400", "unknown job"},
      {"application/json", "{\"job\":\"square\",\"params\":{\"x\":\"a\"}}", "400", "whole number"},
      {"application/json", "{\"job\":\"square\"}", "400", "needs x"},
      {"application/json", "{\"job\":\"primes\",\"params\":{\"n\":-1}}", "400", "must be from 0 to"},
      {"application/json", "{not json", "400", "malformed JSON"},
      {"application/json", "[]", "400", "JSON object"},
      {"text/plain", "{\"job\":\"square\",\"params\":{\"x\":1}}", "415", "Content-Type"},
      {"application/json", "{\"job\":\"read-file\",\"params\":{\"path\":\"/etc/passwd\"}}", "400", "data directory"},
      {"application/json", "{\"job\":\"hang\"}", "400", "unknown job 'hang'"}, // diagnostics are off by default
      {"application/json", "{\"job\":\"square\",\"params\":{\"x\":1},\"timeout\":\"soon\"}", "400", "500ms, 30s"},
      {"application/json", "{\"job\":\"square\",\"params\":{\"x\":1},\"retries\":-1}", "400", "retries must be"},
      {"application/json", "x".repeat(2 << 20), "413", "larger than"},
    };
    for (String[] c : cases) {
      Http.Answer a = Http.post(urlA + "/jobs", c[0], c[1]);
      assertEquals(Integer.parseInt(c[2]), a.status(), c[1].length() > 80 ? "big body" : c[1]);
      assertTrue(a.body().path("error").asText().contains(c[3]), a.body().toString());
      assertFalse(a.body().path("error").asText().contains("\n"));
    }
    assertEquals(404, Http.get(urlA + "/jobs/nope-1").status());
    assertEquals(404, Http.get(urlA + "/nowhere").status());
    assertEquals(400, Http.get(urlA + "/jobs?limit=many").status());
    assertEquals(144, Http.job(urlA, "square", "{\"x\":12}").path("result").asInt());
  }

  @Test
  @Order(6)
  @DisplayName("the CLI submits, shows status, lists jobs and members, with the documented exit codes")
  void cliTalksToTheCluster() throws Exception {
    Dist.Result square = dist.run("submit", "square", "x=12", "--json", "--node", urlA);
    assertEquals(0, square.exit(), square.toString());
    JsonNode job = Json.read(square.out());
    assertEquals(144, job.path("result").asInt());
    assertEquals("worker", job.path("ranOn").path("role").asText());

    Dist.Result status = dist.run("status", job.path("id").asText(), "--node", urlA);
    assertEquals(0, status.exit(), status.toString());
    assertTrue(status.out().contains("succeeded"), status.toString());

    Dist.Result primes = dist.run("submit", "primes", "n=100000", "--node", urlA);
    assertEquals("9592", primes.out().trim(), primes.toString());
    assertTrue(primes.err().contains("on worker pid"), primes.toString());

    Dist.Result big = dist.run("submit", "factorial", "n=100000", "full=true", "--json", "--node", urlA);
    assertEquals(456574, Json.read(big.out()).path("result").path("value").asText().length(), "456 KB of digits arrive whole");

    Dist.Result catalog = dist.run("catalog", "--node", urlA);
    assertEquals(0, catalog.exit(), catalog.toString());
    assertTrue(catalog.out().contains("wordcount") && catalog.out().contains("count the primes below n"), catalog.out());
    JsonNode wc = Json.read(dist.run("submit", "wordcount", "input=to be or not to be", "top=1", "--json", "--node", urlA).out());
    assertEquals("be", wc.path("result").path("top").get(0).path("word").asText(), "ties go alphabetically: " + wc);

    Dist.Result members = dist.run("members", "--json", "--node", urlB);
    assertEquals(6, Json.read(members.out()).size(), members.toString());
    assertTrue(dist.run("jobs", "--node", urlA).out().contains("square"));

    assertEquals(2, dist.run("submit", "nope", "--node", urlA).exit());
    assertEquals(2, dist.run("submit", "square", "x", "--node", urlA).exit());
    assertEquals(2, dist.run("submit", "--node", urlA).exit());
    assertEquals(1, dist.run("submit", "read-file", "path=missing.txt", "--node", urlA).exit());
    Dist.Result nobody = dist.run("jobs", "--node", "http://127.0.0.1:1");
    assertEquals(3, nobody.exit(), nobody.toString());
    assertTrue(nobody.err().contains("cannot reach a Tandem node at http://127.0.0.1:1"), nobody.toString());
  }

  @Test
  @Order(5)
  @DisplayName("tandem map runs a job per element across the workers, in input order, with a reduce and per-element errors")
  void mapsOverElements() throws Exception {
    Dist.Result squares = dist.run("map", "square", "--range", "x=0..9", "--node", urlB);
    assertEquals(0, squares.exit(), squares.toString());
    assertEquals("0 1 4 9 16 25 36 49 64 81", squares.out().trim().replace('\n', ' '));
    Dist.Result sum = dist.run("map", "square", "--range", "x=1..100000", "--reduce", "sum", "--node", urlA);
    assertEquals("333338333350000", sum.out().trim(), sum.toString());
    Dist.Result primes = dist.run("map", "primes", "--range", "n=100000..1000000:100000", "--chunk", "1", "--json", "--node", urlA);
    String[] lines = primes.out().trim().split("\n");
    assertEquals(10, lines.length, primes.toString());
    assertEquals(78498, Json.read(lines[9]).path("result").asLong());
    assertEquals(9, Json.read(lines[9]).path("index").asInt());
    Dist.Result unordered = dist.run("map", "spin", "--values", "ms=600,5,5,5", "--chunk", "1", "--unordered", "--json", "--node", urlA);
    java.util.Set<Integer> indices = new java.util.HashSet<>();
    for (String line : unordered.out().trim().split("\n")) {
      indices.add(Json.read(line).path("index").asInt());
    }
    assertEquals(java.util.Set.of(0, 1, 2, 3), indices, unordered.toString());
    Dist.Result bad = dist.run("map", "sha256", "text=a", "--values", "rounds=1,0", "--node", urlA);
    assertEquals(2, bad.exit(), bad.toString());
    assertTrue(bad.err().contains("element 1:"), bad.toString());
    Dist.Result sleeps = dist.run("map", "sleep", "--range", "ms=1..2", "--reduce", "sum", "--node", urlA);
    assertEquals(0, sleeps.exit(), sleeps.toString());
    assertEquals("3", sleeps.out().trim(), "an I/O map runs each element on the node");
  }

  @Test
  @Order(6)
  @DisplayName("tandem cancel stops a running job on whichever node owns it, and says so when there is nothing to cancel")
  void cancelRunningJobs() throws Exception {
    Dist.Result started = dist.run("submit", "spin", "ms=60000", "--no-wait", "--node", urlB);
    String id = started.out().trim();
    awaitState(urlB, id, "running");
    Dist.Result cancel = dist.run("cancel", id, "--node", urlA);
    assertEquals(0, cancel.exit(), cancel.toString());
    assertTrue(cancel.out().contains("cancelled"), cancel.toString());
    assertEquals("cancelled", Http.get(urlB + "/jobs/" + id).body().path("state").asText());
    Dist.Result again = dist.run("cancel", id, "--node", urlB);
    assertEquals(1, again.exit(), again.toString());
    assertTrue(again.err().contains("already cancelled"), again.toString());
    assertEquals(2, dist.run("cancel", "nope-1", "--node", urlA).exit());
  }

  private static void awaitState(String url, String id, String state) throws Exception {
    for (int i = 0; i < 100; i++) {
      if (Http.get(url + "/jobs/" + id).body().path("state").asText().equals(state)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(id + " never reached " + state);
  }

  @Test
  @Order(7)
  @DisplayName("a worker started by hand offers itself before it is a member; killed mid-job, its jobs are retried elsewhere")
  void handStartedWorkerIsWatched() throws Exception {
    int before = Http.get(urlA + "/health").body().path("workers").asInt();
    Dist.Background extra = dist.start("worker-by-hand-2", "worker", "--seed", seedA);
    extra.await(Pattern.compile("tandem worker ready"), Duration.ofSeconds(60));
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (Http.get(urlA + "/health").body().path("workers").asInt() <= before && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    int slots = 2 * (before + 1); // every worker offers 2 slots: these jobs fill them all, the new worker's too
    List<CompletableFuture<JsonNode>> jobs = new java.util.ArrayList<>();
    for (int i = 0; i < slots; i++) {
      jobs.add(CompletableFuture.supplyAsync(() -> {
        try {
          return Http.job(urlA, "spin", "{\"ms\":4000}");
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    Thread.sleep(1500);
    extra.process().destroyForcibly();
    int retried = 0;
    for (var f : jobs) {
      JsonNode job = f.get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals("succeeded", job.path("state").asText(), job.toString());
      assertTrue(job.path("ranOn").path("pid").asLong() != extra.pid(), job.toString());
      retried += job.path("attempts").asInt() > 1 ? 1 : 0;
    }
    assertTrue(retried >= 1, "the killed worker's jobs were retried: " + retried);
  }

  @Test
  @Order(8)
  @DisplayName("kill -9 of a node: the worker it started exits within a second; the other node keeps serving")
  void killedNodesTakeTheirWorkersAlong() throws Exception {
    List<Long> children = nodeB.process().children().map(ProcessHandle::pid).toList();
    assertEquals(1, children.size());
    nodeB.process().toHandle().destroyForcibly();
    long start = System.nanoTime();
    assertTrue(awaitGone(children.get(0), Duration.ofSeconds(1)), "worker still running 1 s after its node died");
    System.out.printf("worker of a kill -9'd node gone after %d ms%n", (System.nanoTime() - start) / 1_000_000);
    assertEquals(78498, Http.job(urlA, "primes", "{\"n\":1000000}").path("result").asLong());
  }

  private static boolean awaitGone(long pid, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (Dist.gone(pid)) {
        return true;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return Dist.gone(pid);
  }
}
