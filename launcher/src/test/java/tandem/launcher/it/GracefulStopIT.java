package tandem.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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

/** Nodes stopped on purpose: they drain their jobs, leave, stop their workers and exit 0. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GracefulStopIT {
  private Dist dist;
  private Dist.Background draining;
  private Dist.Background hurried;
  private String drainingUrl;
  private String hurriedUrl;
  /** The nodes 'tandem up' started, which are not Dist's children: ended with their workers at the end. */
  private final List<Long> upPids = new ArrayList<>();

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
    dist.killAll(upPids);
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

  @Test
  @DisplayName("tandem stop of one of 2 nodes: it and its worker leave (never Down), its worker's tasks for the other finish, the other serves on")
  void stoppedNodeLeavesWithItsWorkers() throws Exception {
    Path here = Files.createDirectories(dist.work().resolve("two"));
    Dist.Result up = dist.run(here, Map.of(), "up", "--nodes", "2", "--workers", "1");
    Matcher line = Pattern.compile("node \\d+: (http://\\S+)\\s+\\(cluster \\S+, pid (\\d+),").matcher(up.out());
    List<String> urls = new ArrayList<>();
    while (line.find()) {
      urls.add(line.group(1));
      upPids.add(Long.parseLong(line.group(2)));
    }
    assertEquals(0, up.exit(), up.toString());
    assertEquals(2, urls.size(), up.toString());
    String survivor = urls.get(0);
    String stopped = urls.get(1);
    long stoppedPid = upPids.get(1);
    List<Long> itsWorkers = ProcessHandle.of(stoppedPid).orElseThrow().children().map(ProcessHandle::pid).toList();
    assertEquals(1, itsWorkers.size(), "the node's worker is its child");
    await(Duration.ofSeconds(60), () -> cleanMembers(survivor, 4), survivor + " sees 4 members, all Up");

    // The stopped node's worker is busy with the survivor's work, for longer than the 5 s a node
    // used to give its workers: 6 elements of 4 s, one per task, go 2 to each worker at once (a
    // compute thread and one held ready), so it has about 8 s of them left when it is told to stop.
    TandemClient client = new TandemClient(URI.create(survivor));
    JsonNode map = Http.post(survivor + "/jobs", "application/json",
        "{\"job\":\"spin\",\"values\":{\"key\":\"ms\",\"values\":[4000,4000,4000,4000,4000,4000]},\"chunk\":1}").body();
    String mapId = map.path("id").asText();
    await(Duration.ofSeconds(30), () -> "running".equals(client.job(mapId).join().path("state").asText()), "the map under way");

    Dist.Result stop = dist.run("stop", "--node", stopped);
    assertEquals(0, stop.exit(), stop.toString());
    long stopAt = System.nanoTime();
    // Watched all along, not only at the end: a member downed on its way out is listed as Down
    // (pid unknown) until the cluster removes it, seconds later.
    List<String> seen = new ArrayList<>();
    await(Duration.ofSeconds(40), () -> {
      List<JsonNode> members = members(survivor);
      members.stream().filter(m -> "Down".equals(m.path("status").asText())).findAny().ifPresent(m -> {
        throw new AssertionError("a member was downed instead of leaving: " + m + "; seen before: " + seen);
      });
      seen.add(members.stream().map(m -> m.path("status").asText() + "/" + m.path("pid").asText("?")).toList().toString());
      return members.size() == 2 && members.stream().allMatch(m -> "Up".equals(m.path("status").asText()) && m.path("pid").isNumber());
    }, survivor + " lists only itself and its worker, all Up with a pid");
    System.out.printf("tandem stop: the survivor's member list was clean %d ms after the stop returned%n",
        (System.nanoTime() - stopAt) / 1_000_000);
    await(Duration.ofSeconds(30), () -> Dist.gone(stoppedPid) && itsWorkers.stream().allMatch(Dist::gone),
        "the stopped node and its worker exit");

    JsonNode finished = client.awaitJob(mapId).get(60, TimeUnit.SECONDS);
    assertEquals("succeeded", finished.path("state").asText(), finished.toString());
    assertEquals(0, finished.path("map").path("failed").asInt(), finished.toString());
    assertEquals(81, Http.job(survivor, "square", "{\"x\":9}").path("result").asInt(), "the survivor serves on");
  }

  /** Exactly {@code count} members, each Up with a pid. */
  private static boolean cleanMembers(String url, int count) {
    List<JsonNode> members = members(url);
    return members.size() == count && members.stream().allMatch(m -> "Up".equals(m.path("status").asText()) && m.path("pid").isNumber());
  }

  private static List<JsonNode> members(String url) {
    try {
      List<JsonNode> out = new ArrayList<>();
      Http.get(url + "/members").body().forEach(out::add);
      return out;
    } catch (Exception e) {
      return List.of();
    }
  }

  private static void await(Duration limit, java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + limit + ": " + what);
      }
      Thread.sleep(200);
    }
  }
}
