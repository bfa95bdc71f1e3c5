package tandem.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tandem.launcher.client.TandemClient;
import tandem.protocol.api.Json;

/** Jobs that misbehave, on a real node with two real workers and the diagnostic jobs switched on. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailureIT {
  private Dist dist;
  private Dist.Background node;
  private String url;
  private TandemClient client;

  @BeforeAll
  void start() throws Exception {
    dist = new Dist();
    Path config = dist.work().resolve("diagnostics.conf");
    Files.writeString(config, "tandem.jobs.diagnostics = on\ntandem.jobs.cancel-grace = 1s\ntandem.jobs.max-queued = 500\n");
    // A cluster secret, as 'tandem up' gives its nodes: only members can open a cluster connection.
    Path secret = dist.work().resolve("cluster-secret");
    Files.writeString(secret, "a-secret-for-failure-it-0123456789");
    Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    node = dist.start("node", "node", "--port", "0", "--http-port", "0", "--workers", "2",
        "--config", config.toString(), "--secret-file", secret.toString());
    url = node.await(Pattern.compile("http (http://\\S+),"), Duration.ofSeconds(60)).group(1);
    client = new TandemClient(URI.create(url));
    awaitWorkers(2, Duration.ofSeconds(60));
  }

  @AfterAll
  void stop() {
    dist.close();
  }

  private void awaitWorkers(int count, Duration limit) throws InterruptedException {
    Dist.awaitWorkers(client, count, limit);
  }

  /** The member list once it holds exactly {@code count} members, every one Up. */
  private JsonNode awaitSettledMembers(int count, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      JsonNode members = client.members().join();
      boolean allUp = true;
      for (JsonNode m : members) {
        allUp &= "Up".equals(m.path("status").asText());
      }
      if (members.size() == count && allUp) {
        return members;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("members never settled at " + count + " Up within " + limit + ": " + members);
      }
      Thread.sleep(200);
    }
  }

  private JsonNode awaitRunning(String id) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      JsonNode job = client.job(id).join();
      if ("running".equals(job.path("state").asText()) && job.path("ranOn").path("role").asText().equals("worker")) {
        return job;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(id + " never ran in a worker: " + client.job(id).join());
  }

  private static void assertGoneWithin(long pid, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!Dist.gone(pid)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("worker pid " + pid + " still runs after " + limit);
      }
      Thread.sleep(50);
    }
  }

  @Test
  @DisplayName("a cancelled job that ignores interrupts has its worker killed within grace + 1 s, and the worker is replaced")
  void cancelKillsRunawayJobs() throws Exception {
    String id = client.submit("hang", Json.object()).join().path("id").asText();
    long pid = awaitRunning(id).path("ranOn").path("pid").asLong();
    Dist.Result cancelled = dist.run("cancel", id, "--node", url);
    assertEquals(0, cancelled.exit(), cancelled.toString());
    assertGoneWithin(pid, Duration.ofSeconds(2));
    assertEquals("cancelled", client.job(id).join().path("state").asText());
    awaitWorkers(2, Duration.ofSeconds(30));
    assertEquals(16, client.call("square", Json.object().put("x", 4)).join().asInt());
  }

  @Test
  @DisplayName("--timeout ends a runaway job timed-out, exit 1, and its worker is killed")
  void timeoutKillsRunawayJobs() throws Exception {
    awaitWorkers(2, Duration.ofSeconds(30));
    Dist.Result timedOut = dist.run("submit", "hang", "--timeout", "1s", "--json", "--node", url);
    assertEquals(1, timedOut.exit(), timedOut.toString());
    JsonNode job = Json.read(timedOut.out());
    assertEquals("timed-out", job.path("state").asText());
    assertTrue(job.path("error").asText().startsWith("timed out after 1 s (--timeout)"), job.toString());
    assertGoneWithin(job.path("ranOn").path("pid").asLong(), Duration.ofSeconds(2));
  }

  @Test
  @DisplayName("a job that crashes its worker is retried up to --retries, then fails with how often it killed one")
  void poisonJobsStop() throws Exception {
    awaitWorkers(2, Duration.ofSeconds(30));
    Dist.Result crashed = dist.run("submit", "crash", "--retries", "1", "--json", "--node", url);
    assertEquals(1, crashed.exit(), crashed.toString());
    JsonNode job = Json.read(crashed.out());
    assertEquals("worker lost 2 times while running this job", job.path("error").asText(), job.toString());
    assertEquals(2, job.path("attempts").asInt());
    awaitWorkers(2, Duration.ofSeconds(60));
    assertEquals(9, client.call("square", Json.object().put("x", 3)).join().asInt(), "the node serves on");
  }

  @Test
  @DisplayName("a result over tandem.wire.max-payload-bytes fails at once with the cap's reason, and the worker that ran it serves on")
  void oversizedResultsFailInTheirWorker() throws Exception {
    awaitWorkers(2, Duration.ofSeconds(60));
    long start = System.nanoTime();
    Dist.Result big = dist.run("submit", "payload", "bytes=100000000", "--json", "--node", url);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(1, big.exit(), big.toString());
    JsonNode job = Json.read(big.out());
    String error = job.path("error").asText();
    assertTrue(error.startsWith("the result is ")
        && error.endsWith(" bytes, over the cap of 67108864 bytes (tandem.wire.max-payload-bytes); "
            + "return less, or raise the cap on every node and worker"), job.toString());
    assertEquals(1, job.path("attempts").asInt(), "not retried: " + job);
    long pid = job.path("ranOn").path("pid").asLong();
    System.out.printf(java.util.Locale.ROOT, "%nfailure: payload bytes=100000000 failed in %.1f s through the CLI: %s%n", seconds, error);
    assertTrue(seconds < 20, "took " + seconds + " s");
    assertTrue(!Dist.gone(pid), "the worker that ran it, pid " + pid + ", still runs");
    boolean stillMember = false;
    for (JsonNode m : client.members().join()) {
      stillMember |= m.path("pid").asLong() == pid && "Up".equals(m.path("status").asText());
    }
    assertTrue(stillMember, "pid " + pid + " is still an Up member: " + client.members().join());
    assertEquals(2, client.health().join().path("workers").asInt());
    assertEquals(36, client.call("square", Json.object().put("x", 6)).join().asInt());
  }

  @Test
  @DisplayName("a job that runs its worker out of memory kills two workers at most, then fails saying so")
  void outOfMemoryKillsTwoWorkersAtMost() throws Exception {
    awaitWorkers(2, Duration.ofSeconds(60));
    long start = System.nanoTime();
    Dist.Result hog = dist.run("submit", "hog", "mb=4096", "--json", "--node", url);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(1, hog.exit(), hog.toString());
    JsonNode job = Json.read(hog.out());
    assertEquals("ran out of memory in a worker (heap 512 MB): raise tandem.worker.heap or make the job smaller",
        job.path("error").asText(), job.toString());
    assertEquals(2, job.path("attempts").asInt(), job.toString());
    long deaths = Files.readAllLines(node.log()).stream().filter(line -> line.contains("(ran out of memory) after")).count();
    System.out.printf(java.util.Locale.ROOT, "%nfailure: hog mb=4096 failed after %.1f s, %d worker(s) ran out of memory%n", seconds, deaths);
    assertEquals(2, deaths, "workers that ran out of memory");
    awaitWorkers(2, Duration.ofSeconds(60));
    assertEquals(49, client.call("square", Json.object().put("x", 7)).join().asInt(), "the node serves on");
  }

  /** What a rogue local process might send to an Artery port. */
  private static byte[][] rogueStreams() {
    java.util.Random random = new java.util.Random(42);
    byte[] garbage = new byte[64 * 1024];
    random.nextBytes(garbage);
    java.util.List<byte[]> out = new java.util.ArrayList<>();
    out.add(garbage);
    for (String magic : new String[] {"AKKA", "PEKK"}) {
      java.nio.ByteBuffer hugeFrame = java.nio.ByteBuffer.allocate(9).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      // A frame that declares 2 GB and never comes.
      hugeFrame.put(magic.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put((byte) 2).putInt(2_000_000_000);
      out.add(hugeFrame.array());
      java.nio.ByteBuffer junkFrame = java.nio.ByteBuffer.allocate(9 + 4096).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      junkFrame.put(magic.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put((byte) 2).putInt(4096);
      byte[] junk = new byte[4096];
      random.nextBytes(junk);
      junkFrame.put(junk);
      out.add(junkFrame.array()); // a frame of the right size whose envelope is nonsense
      // Negative lengths, and one so close to 2^31 that it overflows: Pekko 1.7.0's framing loops
      // on them (apache/pekko#3492, not released yet). With a cluster secret they never reach it.
      for (int length : new int[] {-1, Integer.MIN_VALUE, Integer.MAX_VALUE - 2}) {
        java.nio.ByteBuffer negative = java.nio.ByteBuffer.allocate(9 + 64).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        negative.put(magic.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put((byte) 2).putInt(length);
        out.add(negative.array());
      }
    }
    return out.toArray(byte[][]::new);
  }

  private static void send(int port, byte[] bytes) {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(2000);
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      Thread.sleep(200);
    } catch (java.io.IOException | InterruptedException e) {
      // the process may well close the connection on us: that is the point
    }
  }

  @Test
  @DisplayName("garbage, huge declared frames, negative frame lengths and nonsense envelopes on the node's and a worker's Artery ports are shrugged off: the logs grow by a few lines at most, the next 100 jobs succeed")
  void rogueBytesOnTheArteryPorts() throws Exception {
    awaitWorkers(2, Duration.ofSeconds(60));
    // Earlier tests kill workers; their replacements are up before the dead ones are removed.
    JsonNode members = awaitSettledMembers(3, Duration.ofSeconds(30));
    java.util.List<Integer> ports = new java.util.ArrayList<>();
    for (JsonNode m : members) {
      String address = m.path("address").asText();
      ports.add(Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)));
    }
    long logBefore = Files.size(node.log());
    for (int port : ports) {
      for (byte[] stream : rogueStreams()) {
        send(port, stream);
      }
    }
    java.util.List<java.util.concurrent.CompletableFuture<JsonNode>> jobs = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      jobs.add(client.call("square", Json.object().put("x", i)));
    }
    for (int i = 0; i < 100; i++) {
      assertEquals((long) i * i, jobs.get(i).join().asLong());
    }
    assertEquals(ports.size(), client.members().join().size(), "every member is still in the cluster");
    // The node's log holds its workers' output too; a looping inbound stream wrote 119 MB in 10 s.
    long grown = Files.size(node.log()) - logBefore;
    System.out.printf("failure: rogue bytes on %d Artery ports grew the node's log by %d bytes%n", ports.size(), grown);
    assertTrue(grown < 8_000, "the log grew by " + grown + " bytes");
    for (JsonNode m : client.members().join()) {
      assertEquals("Up", m.path("status").asText(), m.toString());
    }
  }

  @Test
  @DisplayName("a cancelled I/O job stops at once; a job's own error is retried only with --retry-on-error")
  void ioCancelAndRetryOnError() throws Exception {
    String id = client.submit("sleep", Json.object().put("ms", 60_000)).join().path("id").asText();
    long start = System.nanoTime();
    assertEquals("cancelled", client.cancel(id).join().path("state").asText());
    assertTrue(System.nanoTime() - start < 2_000_000_000L);

    Dist.Result once = dist.run("submit", "read-file", "path=missing.txt", "--json", "--node", url);
    assertEquals(1, once.exit(), once.toString());
    assertEquals(1, Json.read(once.out()).path("attempts").asInt(), "an error is not retried by default");
    Dist.Result retried = dist.run("submit", "read-file", "path=missing.txt", "--retry-on-error", "--retries", "2",
        "--json", "--node", url);
    JsonNode job = Json.read(retried.out());
    assertEquals(3, job.path("attempts").asInt(), retried.toString());
    assertTrue(job.path("error").asText().startsWith("failed 3 times; the last: "), job.toString());
  }

  @Test
  @DisplayName("a map sent whole larger than tandem.jobs.max-queued is refused as a usage mistake (exit 2), a range that large streams its results, and one that fits only later gets 503 and the CLI exits 3 with the reason")
  void backPressure() throws Exception {
    // A map sent whole that can never fit is a usage mistake, not "try again later".
    String values = "x=" + java.util.stream.IntStream.rangeClosed(1, 600).mapToObj(String::valueOf)
        .collect(java.util.stream.Collectors.joining(","));
    Dist.Result never = dist.run("map", "square", "--values", values, "--node", url);
    assertEquals(2, never.exit(), never.toString());
    assertTrue(never.err().contains("tandem.jobs.max-queued"), never.toString());
    // A range that large streams its results instead: the CLI reads them as they come, all in order.
    Dist.Result streamed = dist.run("map", "square", "--range", "x=1..600", "--node", url);
    assertEquals(0, streamed.exit(), streamed.toString());
    List<String> lines = streamed.out().lines().toList();
    assertEquals(600, lines.size(), streamed.err());
    assertEquals("360000", lines.get(599));
    // One that would fit, but not beside what the node holds now, is refused for now (503).
    ObjectNode range = Json.object();
    range.putObject("range").put("key", "ms").put("from", 100).put("to", 499); // 400 elements, minutes of work
    String holding = client.submitMap("spin", Json.object(), range).join().path("id").asText();
    try {
      Dist.Result full = dist.run("map", "square", "--range", "x=1..200", "--node", url);
      assertEquals(3, full.exit(), full.toString());
      assertTrue(full.err().contains("tandem.jobs.max-queued"), full.toString());
      for (JsonNode job : client.jobs(100).join().path("jobs")) {
        assertTrue(job.path("map").path("total").asInt() != 200, "the refused map was not accepted: " + job);
      }
    } finally {
      client.cancel(holding).join();
    }
    assertEquals(25, client.call("square", Json.object().put("x", 5)).join().asInt(), "smaller work is still taken");
  }
}
