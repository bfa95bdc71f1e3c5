package tandem.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tandem.launcher.client.TandemClient;
import tandem.protocol.api.Json;

/**
 * Blocking jobs on a real node: on the JVM the distribution finds by default, and on a JDK 21 or
 * later (virtual threads) when this machine has one under /usr/lib/jvm, chosen with
 * TANDEM_JAVA_HOME as a user would.
 */
class BlockingJobsIT {
  private Dist dist;

  @BeforeEach
  void setUp() throws IOException {
    dist = new Dist();
  }

  @AfterEach
  void tearDown() {
    dist.close();
  }

  private TandemClient node(Map<String, String> env) throws Exception {
    Dist.Background node = dist.start("node", env, "node", "--port", "0", "--http-port", "0", "--workers", "0");
    String url = node.await(Pattern.compile("http (http://\\S+),"), Duration.ofSeconds(60)).group(1);
    return new TandemClient(URI.create(url));
  }

  private static int feature(String jdk) {
    return Integer.parseInt(jdk.replaceFirst("[.+-].*", ""));
  }

  private static String threadsOf(TandemClient client, String job) {
    for (JsonNode entry : client.catalog().join()) {
      if (entry.path("name").asText().equals(job)) {
        return entry.path("threads").asText();
      }
    }
    throw new AssertionError(job + " is not in the catalog");
  }

  private static JsonNode sleeps(TandemClient client, int count, int ms) {
    ObjectNode map = Json.object();
    ArrayNode inputs = map.putArray("inputs");
    for (int i = 0; i < count; i++) {
      inputs.addObject().put("ms", ms);
    }
    map.put("reduce", "count");
    return client.runMap("sleep-blocking", Json.object(), map).join();
  }

  @Test
  @DisplayName("sleep-blocking on the default JVM: the catalog, the job's thread and /health agree on virtual or pooled threads; a cancel interrupts it")
  void onTheDefaultJvm() throws Exception {
    TandemClient client = node(Map.of());
    boolean virtual = feature(client.health().join().path("jdk").asText()) >= 21;
    assertTrue(threadsOf(client, "sleep-blocking").startsWith(virtual ? "a virtual thread each" : "a pool of 64 platform threads"),
        threadsOf(client, "sleep-blocking"));
    assertTrue(threadsOf(client, "sleep").startsWith("the node's I/O dispatcher"), threadsOf(client, "sleep"));

    JsonNode one = client.run("sleep-blocking", Json.object().put("ms", 50)).join();
    assertEquals("succeeded", one.path("state").asText(), one.toString());
    assertEquals("node", one.path("ranOn").path("role").asText());
    String thread = one.path("ranOn").path("thread").asText();
    assertTrue(thread.startsWith(virtual ? "tandem-virtual-" : "tandem-tandem.blocking-io-dispatcher"), one.toString());

    JsonNode map = sleeps(client, 128, 200);
    assertEquals("succeeded", map.path("state").asText(), map.toString());
    assertEquals(128, map.path("result").asInt(), map.toString());

    String id = client.submit("sleep-blocking", Json.object().put("ms", 600_000)).join().path("id").asText();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!"running".equals(client.job(id).join().path("state").asText()) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    long cancelled = System.nanoTime();
    client.cancel(id).join();
    JsonNode ended = client.awaitJob(id).join();
    assertEquals("cancelled", ended.path("state").asText(), ended.toString());
    assertTrue(System.nanoTime() - cancelled < 5_000_000_000L, "the blocked thread was interrupted, not waited out");
  }

  @Test
  @DisplayName("on a JDK 21+ (TANDEM_JAVA_HOME), 2,000 blocking 1 s sleeps wait at once on virtual threads, and no Unsafe warning is printed")
  void onVirtualThreads() throws Exception {
    Optional<Path> jdk = newJdk();
    Assumptions.assumeTrue(jdk.isPresent(), "no JDK 21 or later under /usr/lib/jvm");
    TandemClient client = node(Map.of("TANDEM_JAVA_HOME", jdk.get().toString()));
    assertTrue(feature(client.health().join().path("jdk").asText()) >= 21, client.health().join().toString());
    assertTrue(threadsOf(client, "sleep-blocking").startsWith("a virtual thread each"), threadsOf(client, "sleep-blocking"));

    long start = System.nanoTime();
    JsonNode map = sleeps(client, 2_000, 1_000);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals("succeeded", map.path("state").asText(), map.toString());
    assertEquals(2_000, map.path("result").asInt());
    // 64 platform threads would need 32 s; at once it is a little over 1 s (bounded loosely: shared machine).
    assertTrue(seconds < 12, "2,000 blocking sleeps took " + seconds + " s");
    JsonNode one = client.run("sleep-blocking", Json.object().put("ms", 10)).join();
    assertTrue(one.path("ranOn").path("thread").asText().startsWith("tandem-virtual-"), one.toString());
    String log = Files.readString(dist.work().resolve("node.log"));
    assertFalse(log.contains("sun.misc.Unsafe"), log);
  }

  /** The newest JDK of version 21 or later under /usr/lib/jvm, from each one's release file. */
  private static Optional<Path> newJdk() throws IOException {
    Path root = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    Path best = null;
    int bestVersion = 20;
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.toList()) {
        Path release = dir.resolve("release");
        if (!Files.isRegularFile(release) || !Files.isExecutable(dir.resolve("bin/java"))) {
          continue;
        }
        var m = Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(Files.readString(release));
        if (m.find() && Integer.parseInt(m.group(1)) > bestVersion) {
          bestVersion = Integer.parseInt(m.group(1));
          best = dir;
        }
      }
    }
    return Optional.ofNullable(best);
  }
}
