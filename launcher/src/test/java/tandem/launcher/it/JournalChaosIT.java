package tandem.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tandem.launcher.client.TandemClient;
import tandem.protocol.api.Json;

/**
 * The journal under chaos, only with {@code mvn verify -Pchaos}: three nodes sharing one SQLite
 * journal, 2,000 jobs and a 20,000-element map submitted across them while a random node (with
 * its worker) is {@code kill -9}'d every 10 s and started again on its ports. Every job and element
 * must end succeeded with the right result, each recorded once; it prints the takeovers and the
 * longest wait.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JournalChaosIT {
  private static final int NODES = 3;
  private static final int JOBS = 2000;
  /** Each job counts the primes below this (about 20 ms of one core). */
  private static final int JOB_N = 500_000;
  /** The map: elements [i * BLOCK, (i + 1) * BLOCK) for i below ELEMENTS, primes counted in each, summed. */
  private static final int ELEMENTS = 20_000;
  private static final int BLOCK = 2_500;
  private static final Duration KILL_EVERY = Duration.ofSeconds(10);

  private Dist dist;
  private Path journal;
  private final int[] clusterPorts = new int[NODES];
  private final int[] httpPorts = new int[NODES];
  private final Dist.Background[] running = new Dist.Background[NODES];
  private final AtomicInteger starts = new AtomicInteger();

  @BeforeAll
  void start() throws Exception {
    dist = new Dist();
    journal = dist.work().resolve("journal.db");
    for (int i = 0; i < NODES; i++) {
      clusterPorts[i] = freePort();
      httpPorts[i] = freePort();
    }
  }

  @AfterAll
  void stop() {
    dist.close();
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private URI url(int slot) {
    return URI.create("http://127.0.0.1:" + httpPorts[slot]);
  }

  /** Node {@code slot} on its own ports, joining the others (none for the first start of slot 0). */
  private void startNode(int slot, boolean first) throws Exception {
    List<String> args = new ArrayList<>(List.of("node", "--port", String.valueOf(clusterPorts[slot]), "--http-port",
        String.valueOf(httpPorts[slot]), "--workers", "1", "--journal", "jdbc:sqlite:" + journal));
    for (int other = 0; other < NODES; other++) {
      if (other != slot && !(first && other > slot)) {
        args.addAll(List.of("--seed", "127.0.0.1:" + clusterPorts[other]));
      }
    }
    running[slot] = dist.start("node-" + slot + "-" + starts.incrementAndGet(), args.toArray(String[]::new));
    running[slot].await(Pattern.compile("http (http://\\S+),"), Duration.ofSeconds(90));
    TandemClient client = new TandemClient(url(slot));
    // Workers serve every node of the cluster: this one counts its own and the others'.
    UpCluster.await(Duration.ofSeconds(90), () -> client.health().join().path("workers").asInt() >= 1, "node " + slot + " has workers");
  }

  /** kill -9 the node in {@code slot} and its worker; waits until both are gone. */
  private void kill(int slot) throws Exception {
    ProcessHandle node = running[slot].process().toHandle();
    List<ProcessHandle> all = new ArrayList<>(node.descendants().toList());
    all.add(node);
    all.forEach(ProcessHandle::destroyForcibly);
    UpCluster.await(Duration.ofSeconds(15), () -> all.stream().allMatch(p -> Dist.gone(p.pid())), "node " + slot + " gone");
  }

  private TandemClient client(int slot) {
    List<URI> others = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      if (i != slot) {
        others.add(url(i));
      }
    }
    return new TandemClient(url(slot)).alsoTry(others);
  }

  private static BitSet composites(int below) {
    BitSet composite = new BitSet(below);
    composite.set(0);
    composite.set(1);
    for (int p = 2; (long) p * p < below; p++) {
      if (!composite.get(p)) {
        for (int m = p * p; m < below; m += p) {
          composite.set(m);
        }
      }
    }
    return composite;
  }

  @Test
  @DisplayName("2,000 jobs and a 20,000-element map across 3 nodes, a random node kill -9'd every 10 s and started again: all succeed with the right result, each recorded once")
  void jobsAndAMapOutliveKilledNodes() throws Exception {
    for (int slot = 0; slot < NODES; slot++) {
      startNode(slot, true);
    }
    BitSet composite = composites(ELEMENTS * BLOCK);
    long jobExpected = JOB_N - composite.get(0, JOB_N).cardinality();
    long mapExpected = (long) ELEMENTS * BLOCK - composite.cardinality();

    // The killer: every 10 s a random node and its worker, then that node again on its ports.
    AtomicBoolean done = new AtomicBoolean();
    List<String> kills = new ArrayList<>();
    java.util.concurrent.atomic.AtomicReference<Throwable> killerFailed = new java.util.concurrent.atomic.AtomicReference<>();
    Thread killer = new Thread(() -> {
      Random random = new Random(42);
      try {
        while (!done.get()) {
          long until = System.nanoTime() + KILL_EVERY.toNanos();
          while (!done.get() && System.nanoTime() < until) {
            Thread.sleep(100);
          }
          if (done.get()) {
            return;
          }
          int slot;
          synchronized (kills) {
            slot = kills.isEmpty() ? 0 : random.nextInt(NODES); // first the map's owner, while the map runs
          }
          long at = System.nanoTime();
          kill(slot);
          startNode(slot, false);
          synchronized (kills) {
            kills.add(String.format(Locale.ROOT, "node %d (back in %.1f s)", slot, (System.nanoTime() - at) / 1e9));
          }
        }
      } catch (Exception | AssertionError e) {
        killerFailed.set(e);
      }
    }, "chaos-killer");

    long start = System.nanoTime();
    killer.start();
    ObjectNode map = Json.object();
    ArrayNode inputs = map.putArray("inputs");
    for (int i = 0; i < ELEMENTS; i++) {
      inputs.addObject().put("from", (long) i * BLOCK).put("to", (long) (i + 1) * BLOCK);
    }
    map.put("reduce", "sum");
    map.put("chunk", 250);
    CompletableFuture<JsonNode> mapRun = submitted(0, client -> client.submitMap("primes", Json.object(), map));

    // The jobs, round-robin across the nodes, 64 at a time; a submission a dead node refused goes to the next.
    Semaphore window = new Semaphore(64);
    ConcurrentLinkedQueue<double[]> waits = new ConcurrentLinkedQueue<>();
    List<CompletableFuture<JsonNode>> jobs = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      window.acquire();
      int slot = i % NODES;
      long submittedAt = System.nanoTime();
      CompletableFuture<JsonNode> job = submitted(slot, client -> client.submit("primes", Json.object().put("n", JOB_N)));
      job.whenComplete((r, e) -> {
        waits.add(new double[] {(System.nanoTime() - submittedAt) / 1e9});
        window.release();
      });
      jobs.add(job);
    }
    List<JsonNode> finals = new ArrayList<>();
    for (CompletableFuture<JsonNode> job : jobs) {
      finals.add(job.get(10, TimeUnit.MINUTES));
    }
    JsonNode mapDone = mapRun.get(10, TimeUnit.MINUTES);
    double wall = (System.nanoTime() - start) / 1e9;
    done.set(true);
    killer.join(TimeUnit.MINUTES.toMillis(3));
    if (killerFailed.get() != null) {
      throw new AssertionError("the killer failed: " + killerFailed.get(), killerFailed.get());
    }

    int recovered = 0;
    List<String> ids = new ArrayList<>();
    for (JsonNode job : finals) {
      assertEquals("succeeded", job.path("state").asText(), job.toString());
      assertEquals(jobExpected, job.path("result").asLong(), job.toString());
      recovered += job.path("recovered").asInt() > 0 ? 1 : 0;
      ids.add(job.path("id").asText());
    }
    assertEquals(JOBS, ids.stream().distinct().count(), "every job its own id");
    assertEquals("succeeded", mapDone.path("state").asText(), mapDone.toString());
    assertEquals(mapExpected, mapDone.path("result").asLong(), mapDone.toString());
    assertEquals(ELEMENTS, mapDone.path("map").path("done").asInt(), mapDone.toString());

    // Each recorded once: one row per id, ended succeeded.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + journal); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT id), SUM(CASE WHEN state = 'succeeded' THEN 1 ELSE 0 END)"
            + " FROM tandem_jobs")) {
      r.next();
      // A submission cut off after it went out may have been accepted too, and then ran as a job of its own.
      int rows = r.getInt(2);
      assertTrue(rows >= JOBS + 1 && rows <= JOBS + 1 + ambiguous.get(), rows + " rows, " + ambiguous + " ambiguous submissions");
      assertEquals(r.getInt(1), rows, "one row per id");
      assertEquals(rows, r.getInt(3), "all recorded succeeded");
    }

    List<String> resumes = resumes(mapDone.path("id").asText());
    double[] sorted = waits.stream().mapToDouble(w -> w[0]).sorted().toArray();
    System.out.printf(Locale.ROOT, "%njournal chaos: %d jobs and a map of %d in %.1f s while %s were kill -9'd and started again;"
            + " jobs taken over (run again): %d; the map taken over %d time(s), resuming with %s elements settled;"
            + " a job's wait p50 %.2f s, longest %.2f s (%.2f s past the median); submissions cut off and sent again: %d%n",
        JOBS, ELEMENTS, wall, kills, recovered, mapDone.path("recovered").asInt(), resumes, sorted[sorted.length / 2],
        sorted[sorted.length - 1], sorted[sorted.length - 1] - sorted[sorted.length / 2], ambiguous.get());
    assertTrue(kills.size() >= 2, "the run outlasted at least two kills: " + kills);
    assertTrue(mapDone.path("recovered").asInt() >= 1, "the map was taken over: " + mapDone);
  }

  /** Submissions that failed after they were sent: the job may have been accepted, and was sent again. */
  private final AtomicInteger ambiguous = new AtomicInteger();

  /**
   * Submits through the node in {@code slot}; when it cannot be reached, through the next, once a
   * second for a minute. A node that refused the connection took nothing; one that broke off
   * after the request went out may have accepted the job (counted in {@link #ambiguous}). Then
   * waits for the job: that wait must carry on through any node's death.
   */
  private CompletableFuture<JsonNode> submitted(int slot, java.util.function.Function<TandemClient, CompletableFuture<JsonNode>> how) {
    return submitted(slot, client -> cutOffMarked(how.apply(client)), 0);
  }

  private CompletableFuture<JsonNode> submitted(int slot, java.util.function.Function<TandemClient, CompletableFuture<JsonNode>> how,
      int tries) {
    // Submitted, then waited for through the same client: the wait carries on by itself if that node dies.
    TandemClient client = client(slot % NODES);
    return how.apply(client)
        .thenCompose(job -> client.awaitJob(job.path("id").asText()))
        .exceptionallyCompose(error -> {
          Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
          if (cause instanceof SubmissionCutOff cut && tries < 60) {
            if (!(cut.getCause() instanceof java.net.ConnectException)) {
              ambiguous.incrementAndGet();
            }
            return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS))
                .thenCompose(v -> submitted(slot + 1, how, tries + 1));
          }
          return CompletableFuture.<JsonNode>failedFuture(cause);
        });
  }

  /** A submission that did not get its answer: the node could not be reached, or went while it was asked. */
  private static final class SubmissionCutOff extends RuntimeException {
    SubmissionCutOff(Throwable cause) {
      super(cause.getMessage(), cause instanceof tandem.launcher.client.UnreachableException && cause.getCause() != null
          ? cause.getCause() : cause);
    }
  }

  /** {@code submit}, with an unreachable node's failure marked as the submission's (not the wait's). */
  private static CompletableFuture<JsonNode> cutOffMarked(CompletableFuture<JsonNode> submit) {
    return submit.exceptionallyCompose(error -> {
      Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
      return CompletableFuture.failedFuture(cause instanceof tandem.launcher.client.UnreachableException ? new SubmissionCutOff(cause) : cause);
    });
  }

  /** What each node that took the map over logged: how many elements it found settled. */
  private List<String> resumes(String mapId) throws Exception {
    List<String> out = new ArrayList<>();
    Pattern line = Pattern.compile("map " + Pattern.quote(mapId) + " resumes: (\\d+) of");
    try (var logs = Files.list(dist.work())) {
      for (Path log : logs.filter(p -> p.getFileName().toString().startsWith("node-")).sorted().toList()) {
        Matcher m = line.matcher(Files.readString(log));
        while (m.find()) {
          out.add(m.group(1));
        }
      }
    }
    return out;
  }
}
