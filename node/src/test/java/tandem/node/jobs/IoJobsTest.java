package tandem.node.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tandem.node.Errors;
import tandem.protocol.api.Json;
import tandem.node.io.BlockingThreads;
import tandem.node.io.HttpGetPolicy;
import tandem.node.io.NodeIoContext;
import tandem.protocol.job.IoJob;
import tandem.protocol.job.JobInput;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IoJobsTest {
  private final ActorTestKit kit = ActorTestKit.create("IoJobsTest");
  private final JobCatalog catalog = JobCatalog.load();

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  private JsonNode run(Path dataDir, String job, String params) {
    return run(dataDir, job, params, 64L << 20);
  }

  private JsonNode run(Path dataDir, String job, String params, long cap) {
    IoJob io = (IoJob) catalog.find(job).orElseThrow();
    JobInput input = JobInput.checked(io, (ObjectNode) Json.read(params));
    return io.start(input, new NodeIoContext(kit.system(), dataDir, cap)).toCompletableFuture().join();
  }

  private String failure(Path dataDir, String job, String params) {
    return failure(dataDir, job, params, 64L << 20);
  }

  private String failure(Path dataDir, String job, String params, long cap) {
    try {
      run(dataDir, job, params, cap);
      throw new AssertionError(job + " " + params + " should have failed");
    } catch (CompletionException e) {
      return Errors.describe(e);
    }
  }

  @Test
  @DisplayName("read-file counts bytes and lines and hashes a file below the data directory")
  void readsFiles(@TempDir Path data) throws Exception {
    Files.createDirectories(data.resolve("sub"));
    Files.writeString(data.resolve("sub/words.txt"), "abc\ndef\nlast line without newline");
    JsonNode r = run(data, "read-file", "{\"path\":\"sub/words.txt\"}");
    assertEquals(33, r.get("bytes").asLong());
    assertEquals(3, r.get("lines").asLong());
    assertEquals(64, r.get("sha256").asText().length());
  }

  @Test
  @DisplayName("read-file returns the content as bytes, text or base64, and refuses content over the payload cap before reading it")
  void readsContent(@TempDir Path data) throws Exception {
    Files.writeString(data.resolve("words.txt"), "héllo wörld\n");
    Files.write(data.resolve("bytes.bin"), new byte[] {(byte) 0xff, 0, 1});
    assertEquals("héllo wörld\n", run(data, "read-file", "{\"path\":\"words.txt\",\"as\":\"text\"}").asText());
    assertEquals("/wAB", run(data, "read-file", "{\"path\":\"bytes.bin\",\"as\":\"base64\"}").asText());
    assertTrue(failure(data, "read-file", "{\"path\":\"bytes.bin\",\"as\":\"text\"}").contains("as=bytes"));
    JsonNode raw = run(data, "read-file", "{\"path\":\"bytes.bin\",\"as\":\"bytes\"}");
    assertTrue(raw.isBinary(), "as=bytes gives the content raw: " + raw);
    assertArrayEquals(new byte[] {(byte) 0xff, 0, 1}, ((BinaryNode) raw).binaryValue());
    assertTrue(failure(data, "read-file", "{\"path\":\"bytes.bin\",\"as\":\"bytes\"}", 2).contains("tandem.wire.max-payload-bytes"));
    assertTrue(failure(data, "read-file", "{\"path\":\"words.txt\",\"as\":\"text\"}", 5)
        .contains("tandem.wire.max-payload-bytes"));
  }

  @Test
  @DisplayName("read-file refuses what lies outside the data directory, even through a symlink")
  void refusesEscapes(@TempDir Path root) throws Exception {
    Path data = Files.createDirectories(root.resolve("data"));
    Files.writeString(root.resolve("secret.txt"), "no");
    Files.createSymbolicLink(data.resolve("link.txt"), root.resolve("secret.txt"));
    assertTrue(failure(data, "read-file", "{\"path\":\"link.txt\"}").contains("outside the data directory"));
    assertTrue(failure(data, "read-file", "{\"path\":\"missing.txt\"}").contains("no file missing.txt"));
    assertTrue(failure(root.resolve("nowhere"), "read-file", "{\"path\":\"a.txt\"}").contains("does not exist"));
  }

  @Test
  @DisplayName("sleep completes after its time on a timer")
  void sleeps(@TempDir Path data) {
    long start = System.nanoTime();
    assertEquals(120, run(data, "sleep", "{\"ms\":120}").asLong());
    assertTrue(System.nanoTime() - start >= 120_000_000L);
  }

  @Test
  @DisplayName("sleep-blocking blocks a thread of its own: virtual from JDK 21 on, the bounded pool before; a cancel interrupts it")
  void sleepsBlocking(@TempDir Path data) throws Exception {
    long start = System.nanoTime();
    assertEquals(120, run(data, "sleep-blocking", "{\"ms\":120}").asLong());
    assertTrue(System.nanoTime() - start >= 120_000_000L);

    boolean expectVirtual = Runtime.version().feature() >= 21;
    assertEquals(expectVirtual, BlockingThreads.virtual());
    NodeIoContext io = new NodeIoContext(kit.system(), data, 1 << 20);
    String described = BlockingThreads.describe(kit.system().settings().config());
    assertTrue(described.startsWith(expectVirtual ? "a virtual thread each" : "a pool of 64 platform threads"), described);
    String thread = io.blocking(() -> Thread.currentThread().getName()).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertTrue(thread.startsWith(expectVirtual ? "tandem-virtual-" : "IoJobsTest-tandem.blocking-io-dispatcher"), thread);

    IoJob blocking = (IoJob) catalog.find("sleep-blocking").orElseThrow();
    var stage = blocking.start(JobInput.checked(blocking, (ObjectNode) Json.read("{\"ms\":60000}")), io).toCompletableFuture();
    stage.cancel(true);
    assertTrue(stage.isCancelled());
  }

  @Test
  @DisplayName("http-get reports a refused connection as the job's failure")
  void httpGetFailsCleanly(@TempDir Path data) {
    assertTrue(failure(data, "http-get", "{\"url\":\"http://127.0.0.1:1/\"}").contains("ConnectException"));
  }

  @Test
  @DisplayName("cancelling an I/O job's stage stops its pending work: a blocking call is interrupted, a sleep's stage ends at once")
  void cancelStopsPendingWork(@TempDir Path data) throws Exception {
    NodeIoContext io = new NodeIoContext(kit.system(), data, 1 << 20);
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch interrupted = new java.util.concurrent.CountDownLatch(1);
    var call = io.blocking(() -> {
      started.countDown();
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        interrupted.countDown();
      }
      return "late";
    });
    assertTrue(started.await(5, java.util.concurrent.TimeUnit.SECONDS));
    call.toCompletableFuture().cancel(true);
    assertTrue(interrupted.await(5, java.util.concurrent.TimeUnit.SECONDS), "the blocking thread was interrupted");

    IoJob sleep = (IoJob) catalog.find("sleep").orElseThrow();
    var stage = sleep.start(JobInput.checked(sleep, (ObjectNode) Json.read("{\"ms\":60000}")), io).toCompletableFuture();
    stage.cancel(true);
    assertTrue(stage.isCancelled());
  }

  @Test
  @DisplayName("a wait with a value completes with it after its delay; cancelled, it ends at once")
  void afterCompletesWithItsValue(@TempDir Path data) throws Exception {
    NodeIoContext io = new NodeIoContext(kit.system(), data, 1 << 20);
    assertEquals("done", io.after(java.time.Duration.ofMillis(20), "done").toCompletableFuture()
        .get(10, java.util.concurrent.TimeUnit.SECONDS));
    var waiting = io.after(java.time.Duration.ofSeconds(60), "late").toCompletableFuture();
    assertTrue(waiting.cancel(true));
    assertTrue(waiting.isCancelled());
    assertTrue(waiting.isDone());
  }

  /** A local HTTP server: /hello answers "hello", /to-metadata and /to-hello redirect, /loop redirects to itself. */
  private static HttpServer server() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      String to = switch (path) {
        case "/to-metadata" -> "http://169.254.169.254/latest/meta-data/";
        case "/to-hello" -> "/hello";
        case "/loop" -> "/loop";
        default -> null;
      };
      if (to != null) {
        exchange.getResponseHeaders().add("Location", to);
        exchange.sendResponseHeaders(302, -1);
      } else {
        byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
      }
      exchange.close();
    });
    server.start();
    return server;
  }

  private String fetched(Path data, String url, HttpGetPolicy policy) {
    IoJob io = (IoJob) catalog.find("http-get").orElseThrow();
    JobInput input = JobInput.checked(io, (ObjectNode) Json.read("{\"url\":\"" + url + "\",\"as\":\"text\",\"timeout-ms\":5000}"));
    try {
      return io.start(input, new NodeIoContext(kit.system(), data, 1 << 20, policy)).toCompletableFuture().join().asText();
    } catch (CompletionException e) {
      return "failed: " + Errors.describe(e);
    }
  }

  @Test
  @DisplayName("http-get fetches an allowed loopback URL, follows a redirect, and refuses link-local addresses, its node's own API and redirects to them")
  void httpGetChecksEveryAddress(@TempDir Path data) throws Exception {
    HttpServer server = server();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      HttpGetPolicy policy = HttpGetPolicy.create(kit.system().settings().config(), 8551);
      assertEquals("hello", fetched(data, base + "/hello", policy));
      assertEquals("hello", fetched(data, base + "/to-hello", policy));

      String metadata = fetched(data, "http://169.254.169.254/latest/meta-data/", policy);
      assertTrue(metadata.startsWith("failed: ") && metadata.contains("a link-local address")
          && metadata.contains("tandem.jobs.http-get.deny-link-local = off"), metadata);
      String redirected = fetched(data, base + "/to-metadata", policy);
      assertTrue(redirected.contains("http-get refuses http://169.254.169.254/latest/meta-data/") && redirected.contains("link-local"),
          redirected);
      assertTrue(fetched(data, base + "/loop", policy).contains("redirected more than 5 times"));

      policy.httpApiBound(server.getAddress().getPort()); // as if this server were the node's own API
      String own = fetched(data, "http://localhost:" + server.getAddress().getPort() + "/hello", policy);
      assertTrue(own.contains("this node's own HTTP API"), own);

      HttpGetPolicy allowOnly = HttpGetPolicy.create(ConfigFactory.parseString(
          "tandem.jobs.http-get.allow = [\"10.0.0.0/8\"]").withFallback(kit.system().settings().config()), 8551);
      String outside = fetched(data, base + "/hello", allowOnly);
      assertTrue(outside.contains("is not in tandem.jobs.http-get.allow [10.0.0.0/8]; add it there"), outside);
    } finally {
      server.stop(0);
    }
  }
}
