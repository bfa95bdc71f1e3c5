package tandem.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tandem.launcher.client.TandemClient;
import tandem.protocol.api.Json;

/**
 * Slow runs under faults, only with {@code mvn verify -Pchaos}: workers killed every 2 s while
 * 2,000 jobs run, and a node killed in the middle of a map. Each prints what it measured.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChaosIT {
  private static final int JOBS = 2000;
  private Dist dist;

  @BeforeAll
  void start() throws Exception {
    dist = new Dist();
  }

  @AfterAll
  void stop() {
    dist.close();
  }

  private static String urlOf(Dist.Background node) throws Exception {
    return node.await(Pattern.compile("http (http://\\S+),"), Duration.ofSeconds(60)).group(1);
  }

  private static void awaitWorkers(TandemClient client, int count) throws InterruptedException {
    for (int i = 0; i < 600 && client.health().join().path("workers").asInt() < count; i++) {
      Thread.sleep(100);
    }
  }

  /** Submits {@code JOBS} spins, waits for all; their final records. */
  private static List<JsonNode> runSpins(TandemClient client) throws Exception {
    List<CompletableFuture<JsonNode>> submitted = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      submitted.add(client.submit("spin", Json.object().put("ms", 20)));
    }
    List<JsonNode> done = new ArrayList<>();
    for (CompletableFuture<JsonNode> accepted : submitted) {
      done.add(client.awaitJob(accepted.join().path("id").asText()).get(5, TimeUnit.MINUTES));
    }
    return done;
  }

  @Test
  @DisplayName("2,000 jobs on 1 node with 3 workers, a random worker kill -9'd every 2 s: every job succeeds, each result once")
  void workersKilledEveryTwoSeconds() throws Exception {
    Dist.Background node = dist.start("chaos-node", "node", "--port", "0", "--http-port", "0", "--workers", "3");
    TandemClient client = new TandemClient(URI.create(urlOf(node)));
    awaitWorkers(client, 3);

    long start = System.nanoTime();
    List<JsonNode> calm = runSpins(client);
    double calmSeconds = (System.nanoTime() - start) / 1e9;
    assertTrue(calm.stream().allMatch(j -> "succeeded".equals(j.path("state").asText())));

    Random random = new Random(7);
    AtomicInteger kills = new AtomicInteger();
    ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
    killer.scheduleAtFixedRate(() -> {
      List<ProcessHandle> workers = node.process().toHandle().children().toList();
      if (!workers.isEmpty()) {
        workers.get(random.nextInt(workers.size())).destroyForcibly();
        kills.incrementAndGet();
      }
    }, 2, 2, TimeUnit.SECONDS);
    List<JsonNode> stormy;
    start = System.nanoTime();
    try {
      stormy = runSpins(client);
    } finally {
      killer.shutdownNow();
    }
    double stormySeconds = (System.nanoTime() - start) / 1e9;

    long succeeded = stormy.stream().filter(j -> "succeeded".equals(j.path("state").asText())).count();
    int duplicates = stormy.stream().mapToInt(j -> j.path("attempts").asInt() - 1).sum();
    long distinctIds = stormy.stream().map(j -> j.path("id").asText()).distinct().count();
    System.out.printf(Locale.ROOT, "%nchaos: %d spin ms=20 jobs, 1 node, 3 workers%n"
            + "  fault-free:                       %6.1f s%n"
            + "  a worker kill -9'd every 2 s:     %6.1f s (%d kills), %d succeeded, %d duplicate executions (retries of killed runs)%n",
        JOBS, calmSeconds, stormySeconds, kills.get(), succeeded, duplicates);
    stormy.stream().filter(j -> !"succeeded".equals(j.path("state").asText())).limit(5)
        .forEach(j -> System.out.println("  not succeeded: " + j));
    assertEquals(JOBS, succeeded, "every job succeeded");
    assertEquals(JOBS, distinctIds, "each job's result delivered once, to its own job");
    assertTrue(kills.get() > 0);
  }

  /** Every worker of the node, kill -9'd at once. */
  private static int killAllWorkers(Dist.Background node) {
    List<ProcessHandle> workers = node.process().toHandle().children().toList();
    workers.forEach(ProcessHandle::destroyForcibly);
    return workers.size();
  }

  /** Runs a map of {@code elements} spins of 5 ms and waits for it; the finished map. */
  private static JsonNode runSpinMap(TandemClient client, int elements) throws Exception {
    ObjectNode spec = Json.object();
    var inputs = spec.putArray("inputs");
    for (int i = 0; i < elements; i++) {
      inputs.addObject().put("ms", 5);
    }
    String id = client.submitMap("spin", Json.object(), spec).join().path("id").asText();
    return client.awaitJob(id).get(5, TimeUnit.MINUTES);
  }

  @Test
  @DisplayName("a 2,000-element map of spin ms=5 on 4 workers while every worker is kill -9'd once a second for 10 s: no element fails")
  void mapUnderAWorkerKillingLoop() throws Exception {
    Dist.Background node = dist.start("chaos-map-node", "node", "--port", "0", "--http-port", "0", "--workers", "4");
    TandemClient client = new TandemClient(URI.create(urlOf(node)));
    awaitWorkers(client, 4);
    long start = System.nanoTime();
    JsonNode calm = runSpinMap(client, JOBS);
    double calmSeconds = (System.nanoTime() - start) / 1e9;
    assertEquals("succeeded", calm.path("state").asText(), calm.path("error").asText());
    awaitWorkers(client, 4);

    AtomicInteger kills = new AtomicInteger();
    AtomicInteger rounds = new AtomicInteger();
    ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
    killer.scheduleAtFixedRate(() -> {
      if (rounds.incrementAndGet() <= 10) {
        kills.addAndGet(killAllWorkers(node));
      }
    }, 1, 1, TimeUnit.SECONDS);
    JsonNode stormy;
    start = System.nanoTime();
    try {
      stormy = runSpinMap(client, JOBS);
    } finally {
      killer.shutdownNow();
    }
    double stormySeconds = (System.nanoTime() - start) / 1e9;
    JsonNode map = stormy.path("map");
    System.out.printf(Locale.ROOT, "%nchaos: a map of %d spin ms=5 elements, 1 node, 4 workers (chunks of %d)%n"
            + "  fault-free:                                   %6.1f s%n"
            + "  every worker kill -9'd once a second for 10 s: %6.1f s (%d rounds, %d kills), %d done, %d failed%s%n",
        JOBS, map.path("chunk").asInt(), calmSeconds, stormySeconds, Math.min(10, rounds.get()), kills.get(),
        map.path("done").asInt(), map.path("failed").asInt(),
        map.path("failed").asInt() == 0 ? "" : "; the first: " + map.path("errors").path(0));
    assertTrue(kills.get() > 0);
    assertEquals(0, map.path("failed").asInt(), stormy.toString());
    assertEquals("succeeded", stormy.path("state").asText(), stormy.path("error").asText());
  }

  @Test
  @DisplayName("a node killed mid-map on a 2-node cluster: the surviving node's map completes; no orphan JVM after 5 s")
  void nodeKilledMidMap() throws Exception {
    Dist.Background a = dist.start("chaos-a", "node", "--port", "0", "--http-port", "0", "--workers", "2");
    String urlA = urlOf(a);
    String seed = a.await(Pattern.compile("cluster pekko://tandem@(\\S+),"), Duration.ofSeconds(60)).group(1);
    Dist.Background b = dist.start("chaos-b", "node", "--port", "0", "--http-port", "0", "--workers", "2", "--seed", seed);
    String urlB = urlOf(b);
    TandemClient clientA = new TandemClient(URI.create(urlA));
    TandemClient clientB = new TandemClient(URI.create(urlB));
    awaitWorkers(clientA, 4);

    ObjectNode blocks = Json.object();
    blocks.putObject("range").put("key", "n").put("from", 200_000).put("to", 400_000).put("step", 1000);
    blocks.put("chunk", 2);
    String mapA = clientA.submitMap("primes", Json.object(), blocks).join().path("id").asText();
    String mapB = clientB.submitMap("primes", Json.object(), blocks).join().path("id").asText();
    CompletableFuture<JsonNode> waitingOnB = clientB.awaitJob(mapB);
    Thread.sleep(1500);
    List<ProcessHandle> bAndWorkers = new ArrayList<>(b.process().toHandle().descendants().toList());
    bAndWorkers.add(b.process().toHandle());
    long killedAt = System.nanoTime();
    b.process().toHandle().destroyForcibly();

    java.util.concurrent.ExecutionException cutOff = org.junit.jupiter.api.Assertions.assertThrows(
        java.util.concurrent.ExecutionException.class, () -> waitingOnB.get(30, TimeUnit.SECONDS));
    assertTrue(cutOff.getCause().getMessage().contains("is gone"), "a client waiting on the dead node: " + cutOff.getCause());
    JsonNode done = clientA.awaitJob(mapA).get(120, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - killedAt) / 1e9;
    Thread.sleep(Math.max(0, 5000 - (System.nanoTime() - killedAt) / 1_000_000));
    List<Long> orphans = bAndWorkers.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid)
        .filter(pid -> !Dist.gone(pid)).toList();
    System.out.printf(Locale.ROOT, "%nchaos: node B kill -9'd mid-map; node A's map of %d elements %s %.1f s later (%d failed); "
            + "processes of B left after 5 s: %s%n",
        done.path("map").path("total").asInt(), done.path("state").asText(), seconds,
        done.path("map").path("failed").asInt(), orphans);
    assertEquals("succeeded", done.path("state").asText(), done.toString());
    assertEquals(List.of(), orphans, "no orphan JVM");
  }
}
