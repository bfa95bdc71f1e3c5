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

/** The job journal with real processes: a killed cluster started again resumes its jobs; a killed node's jobs move on. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JournalIT {
  private static final Pattern NODE_LINE = Pattern.compile("node (\\d+): (http://\\S+)\\s+\\(cluster \\S+, pid (\\d+),");
  private Dist dist;
  private final List<Long> pids = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    dist = new Dist();
  }

  @AfterAll
  void stop() {
    if (dist != null) {
      dist.killAll(pids);
    }
  }

  private record Node(String url, long pid) {}

  private List<Node> up(Path here, int nodes, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("up", "--nodes", String.valueOf(nodes), "--workers", "1"));
    args.addAll(List.of(more));
    Dist.Result up = dist.run(here, Map.of(), args.toArray(String[]::new));
    assertEquals(0, up.exit(), up.toString());
    List<Node> out = new ArrayList<>();
    Matcher m = NODE_LINE.matcher(up.out());
    while (m.find()) {
      Node node = new Node(m.group(2), Long.parseLong(m.group(3)));
      out.add(node);
      pids.add(node.pid());
      ProcessHandle.of(node.pid()).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
    }
    assertEquals(nodes, out.size(), up.toString());
    return out;
  }

  /** kill -9 a node and its workers, and wait until they are gone. */
  private void kill(Node node) throws InterruptedException {
    List<ProcessHandle> all = new ArrayList<>();
    ProcessHandle.of(node.pid()).ifPresent(p -> {
      p.descendants().forEach(all::add);
      all.add(p);
    });
    all.forEach(ProcessHandle::destroyForcibly);
    UpCluster.await(Duration.ofSeconds(15), () -> all.stream().allMatch(p -> Dist.gone(p.pid())), "node pid " + node.pid() + " gone");
  }

  private static void awaitRunning(TandemClient client, String id) throws InterruptedException {
    UpCluster.await(Duration.ofSeconds(30), () -> "running".equals(client.job(id).join().path("state").asText()), id + " running");
  }

  private JsonNode status(Path here, String id, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("status", id, "--json"));
    args.addAll(List.of(more));
    Dist.Result status = dist.run(here, Map.of(), args.toArray(String[]::new));
    assertEquals(0, status.exit(), status.toString());
    return Json.read(status.out());
  }

  @Test
  @DisplayName("kill -9 every process of a tandem up cluster mid-run, tandem up again: its job and its map finish under their ids, marked recovered; the map runs only what had not settled")
  void aKilledClusterResumes() throws Exception {
    Path here = Files.createDirectories(dist.work().resolve("restart"));
    Node node = up(here, 1).get(0);
    TandemClient client = new TandemClient(URI.create(node.url()));
    var map = Json.object().put("chunk", 1);
    map.putObject("range").put("key", "ms").put("from", 100).put("to", 139);
    String mapId = client.submitMap("spin", Json.object(), map).join().path("id").asText();
    UpCluster.await(Duration.ofSeconds(60), () -> client.job(mapId).join().path("map").path("done").asInt() >= 5,
        mapId + " has settled 5 elements");
    // Queued behind the map on the one worker: accepted, so in the journal, and not run yet.
    String job = client.submit("print", Json.object().put("text", "again").put("lines", 6).put("pause", 100)).join().path("id").asText();

    kill(node);
    up(here, 1);
    JsonNode done = status(here, job, "--wait");
    assertEquals("succeeded", done.path("state").asText(), done.toString());
    assertEquals(6, done.path("result").asInt(), done.toString());
    assertEquals(1, done.path("recovered").asInt(), done.toString());
    JsonNode mapDone = status(here, mapId, "--wait");
    assertEquals("succeeded", mapDone.path("state").asText(), mapDone.toString());
    assertEquals(40, mapDone.path("map").path("done").asInt(), mapDone.toString());
    assertEquals(1, mapDone.path("recovered").asInt(), mapDone.toString());
    Dist.Result mapLogs = dist.run(here, Map.of(), "logs", mapId);
    Matcher resumed = Pattern.compile("resumed: (\\d+) of 40 elements had settled").matcher(mapLogs.out());
    assertTrue(resumed.find(), mapLogs.toString());
    assertTrue(Integer.parseInt(resumed.group(1)) >= 5, "the elements settled before the kill did not run again: " + mapLogs);
    Dist.Result text = dist.run(here, Map.of(), "status", job);
    assertTrue(text.out().contains("recovered: taken over 1 time(s) from the journal"), text.toString());
    Dist.Result logs = dist.run(here, Map.of(), "logs", job);
    assertTrue(logs.out().contains("taken over from the journal by this node"), logs.toString());

    // Finished, and no node owns it any more: the journal answers for it.
    assertEquals(0, dist.run(here, Map.of(), "down").exit());
    up(here, 1);
    JsonNode kept = status(here, job);
    assertEquals("succeeded", kept.path("state").asText(), kept.toString());
    assertEquals(6, kept.path("result").asInt(), kept.toString());
    assertEquals(0, dist.run(here, Map.of(), "down").exit());
  }

  @Test
  @DisplayName("kill -9 the node that owns a job: another node takes it over, and the CLI waiting on it carries on to its result")
  void anotherNodeTakesOverAndTheClientCarriesOn() throws Exception {
    failover(Files.createDirectories(dist.work().resolve("failover")));
  }

  @Test
  @DisplayName("a node stopped gracefully with a job and a map past its drain deadline hands them over: another node runs them, the CLI waiting on the job carries on, and 'tandem map' follows the map there, printing each result once")
  void aStoppingNodeHandsItsJobsOver() throws Exception {
    Path here = Files.createDirectories(dist.work().resolve("hand-over"));
    Path config = here.resolve("short-drain.conf");
    Files.writeString(config, "tandem.node.drain-deadline = 1s\n");
    List<Node> nodes = up(here, 2, "--config", config.toString());
    Node owner = nodes.get(0);
    TandemClient client = new TandemClient(URI.create(owner.url()));
    // 10 s of printing: still running when the node is stopped, after the map below has started
    // too, even with another test class's cluster on the same cores (4 s was not, once).
    Dist.Background waiting = dist.start("waiting-hand-over", "submit", "print", "text=handed", "lines=40", "pause=250",
        "--node", owner.url());
    UpCluster.await(Duration.ofSeconds(30), () -> client.jobs(5).join().path("jobs").size() > 0, "the job accepted");
    String id = client.jobs(5).join().path("jobs").get(0).path("id").asText();
    awaitRunning(client, id);
    Dist.Background following = dist.start("following-map", "map", "spin", "--range", "ms=100..139", "--chunk", "1",
        "--node", owner.url());
    UpCluster.await(Duration.ofSeconds(30), () -> client.jobs(5).join().path("jobs").size() == 2, "the map accepted");
    String mapId = client.jobs(5).join().path("jobs").get(0).path("id").asText();
    UpCluster.await(Duration.ofSeconds(60), () -> client.job(mapId).join().path("map").path("done").asInt() >= 4,
        mapId + " has settled 4");

    ProcessHandle node = ProcessHandle.of(owner.pid()).orElseThrow();
    assertEquals("running", client.job(id).join().path("state").asText(), "the job is still running when its node stops");
    new ProcessBuilder("kill", "-TERM", String.valueOf(owner.pid())).start().waitFor();
    assertTrue(node.onExit().get(60, TimeUnit.SECONDS) != null, "the node stopped");
    assertTrue(waiting.process().waitFor(120, TimeUnit.SECONDS), "the waiting CLI finished");
    String out = Files.readString(waiting.log());
    assertEquals(0, waiting.process().exitValue(), out);
    assertTrue(out.startsWith("40\n"), out);
    JsonNode moved = status(here, id, "--node", nodes.get(1).url());
    assertEquals("succeeded", moved.path("state").asText(), moved.toString());
    assertEquals(1, moved.path("recovered").asInt(), moved.toString());

    assertTrue(following.process().waitFor(120, TimeUnit.SECONDS), "the following CLI finished");
    String followed = Files.readString(following.log());
    assertEquals(0, following.process().exitValue(), followed);
    assertTrue(followed.contains("following " + mapId + " at another node"), followed);
    assertEquals(40, followed.lines().filter(line -> line.matches("\\d+")).count(), "every element's result once: " + followed);
    JsonNode map = status(here, mapId, "--node", nodes.get(1).url());
    assertEquals("succeeded", map.path("state").asText(), map.toString());
    assertEquals(1, map.path("recovered").asInt(), map.toString());
    assertEquals(0, dist.run(here, Map.of(), "down").exit());
  }

  @Test
  @DisplayName("the same with the journal on a real PostgreSQL server (the one .ci/run starts)")
  void failoverWithPostgres() throws Exception {
    String[] server = postgres();
    Path here = Files.createDirectories(dist.work().resolve("failover-postgres"));
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(server[0], server[1], server[2]);
        java.sql.Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS tandem_jobs");
      s.execute("DROP TABLE IF EXISTS tandem_map_chunks");
    }
    Path config = here.resolve("journal.conf");
    Files.writeString(config, "tandem.journal { url = \"" + server[0] + "\", user = \"" + server[1] + "\", password = \""
        + server[2] + "\" }\n");
    failover(here, "--config", config.toString());
    assertTrue(!Files.exists(here.resolve(".tandem/journal.db")), "the configured journal, not tandem up's own");
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(server[0], server[1], server[2]);
        java.sql.Statement s = c.createStatement();
        java.sql.ResultSet r = s.executeQuery("SELECT COUNT(*) FROM tandem_jobs WHERE recovered = 1 AND state = 'succeeded'")) {
      r.next();
      assertEquals(2, r.getInt(1), "the two jobs taken over (the CLI's and the channel's), each recorded as it ended, once");
    }
  }

  private static String[] postgres() {
    String url = System.getenv("TANDEM_TEST_POSTGRES_URL");
    org.junit.jupiter.api.Assumptions.assumeTrue(url != null && !url.isBlank(),
        "no PostgreSQL server given (TANDEM_TEST_POSTGRES_URL; .ci/run starts one)");
    return new String[] {url, System.getenv().getOrDefault("TANDEM_TEST_POSTGRES_USER", ""),
        System.getenv().getOrDefault("TANDEM_TEST_POSTGRES_PASSWORD", "")};
  }

  /** Two nodes; kill -9 the one that owns a job the CLI waits on: the other takes it over, and the CLI prints its result. */
  private void failover(Path here, String... upOptions) throws Exception {
    List<Node> nodes = up(here, 2, upOptions);
    Node owner = nodes.get(0);
    Node survivor = nodes.get(1);
    TandemClient client = new TandemClient(URI.create(owner.url()));
    // A job the CLI waits on, then one on the Java client's job channel. The kill comes once the
    // CLI's job runs and both are accepted, so in the journal: neither can have ended by then (the
    // CLI's runs 10 s, and the channel's queues behind it or runs on the other worker for 10 s;
    // 4 and 3 s were tight with another test class's cluster on the same cores). Submitting the
    // channel's first let it end before a slow machine had started the CLI.
    Dist.Background waiting = dist.start("waiting-submit-" + here.getFileName(), "submit", "print", "text=carry", "lines=40",
        "pause=250", "--node", owner.url());
    UpCluster.await(Duration.ofSeconds(60), () -> client.jobs(5).join().path("jobs").size() == 1, "the CLI's job accepted");
    String id = client.jobs(5).join().path("jobs").get(0).path("id").asText();
    awaitRunning(client, id);
    tandem.launcher.client.JobChannel channel = client.openChannel().join();
    java.util.concurrent.CompletableFuture<JsonNode> viaChannel =
        channel.run("print", Json.object().put("text", "channel").put("lines", 40).put("pause", 250));
    UpCluster.await(Duration.ofSeconds(30), () -> client.jobs(5).join().path("jobs").size() == 2, "both jobs accepted");
    // ...and the channel told so: the node lists a job before the line with its id reaches the
    // client, and a job whose id the client never heard cannot be followed elsewhere.
    UpCluster.await(Duration.ofSeconds(30), () -> channel.acceptedUnanswered() == 1, "the channel's job's id heard");
    String channelId = client.jobs(5).join().path("jobs").get(0).path("id").asText();

    kill(owner);
    long killedAt = System.nanoTime();
    assertTrue(waiting.process().waitFor(120, TimeUnit.SECONDS), "the waiting CLI finished");
    String out = Files.readString(waiting.log());
    assertEquals(0, waiting.process().exitValue(), out);
    assertTrue(out.startsWith("40\n"), out);
    JsonNode moved = status(here, id, "--node", survivor.url());
    assertEquals(1, moved.path("recovered").asInt(), moved.toString());
    assertEquals("succeeded", moved.path("state").asText(), moved.toString());
    JsonNode channelled = viaChannel.get(120, TimeUnit.SECONDS);
    assertEquals("succeeded", channelled.path("state").asText(), channelled.toString());
    assertEquals(40, channelled.path("result").asInt(), channelled.toString());
    assertEquals(channelId, channelled.path("id").asText(), channelled.toString());
    assertEquals(1, channelled.path("recovered").asInt(), "the channel's job, taken over: " + channelled);
    channel.close();
    System.out.printf("journal: the CLI waiting on %s had its result %.1f s after its owner was killed%n", id,
        (System.nanoTime() - killedAt) / 1e9);
  }
}
