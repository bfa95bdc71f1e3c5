package tandem.launcher.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tandem.launcher.client.TandemClient;
import tandem.protocol.api.Json;

/**
 * Bytes as a value, end to end on a real node with a worker process: binary content read on the
 * node, handed raw to a worker, written raw by the CLI.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BytesIT {
  private Dist dist;
  private TandemClient client;
  private String url;
  private Path data;

  @BeforeAll
  void start() throws Exception {
    dist = new Dist();
    data = Files.createDirectories(dist.work().resolve("data"));
    Dist.Background node = dist.start("node", "node", "--port", "0", "--http-port", "0", "--workers", "1");
    url = node.await(Pattern.compile("http (http://\\S+),"), Duration.ofSeconds(60)).group(1);
    client = new TandemClient(URI.create(url));
    node.await(Pattern.compile("takes up to"), Duration.ofSeconds(60));
  }

  @AfterAll
  void stop() {
    dist.close();
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  @DisplayName("a 3 MB random body fetched by http-get reaches sha256 in a worker raw: the pipeline prints the body's SHA-256")
  void pipelineHashesTheBytes() throws Exception {
    byte[] blob = random(3 * 1024 * 1024, 3);
    Files.write(data.resolve("blob.bin"), blob);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/blob.bin", exchange -> {
      exchange.sendResponseHeaders(200, blob.length);
      try (OutputStream body = exchange.getResponseBody()) {
        body.write(blob);
      }
    });
    server.start();
    try {
      String get = "http-get url=http://127.0.0.1:" + server.getAddress().getPort() + "/blob.bin";
      long start = System.nanoTime();
      Dist.Result hashed = dist.run("pipeline", get, "sha256", "--node", url);
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertEquals(0, hashed.exit(), hashed.toString());
      assertEquals(sha256(blob), hashed.out().trim(), "the body's own SHA-256, not its base64's");
      assertTrue(hashed.err().contains("http-get (io) succeeded") && hashed.err().contains("sha256 (cpu) succeeded: ran"),
          hashed.err());
      System.out.println("BytesIT: pipeline http-get | sha256 of 3 MiB printed " + hashed.out().trim() + " in " + ms + " ms (CLI included)");

      Dist.Result counted = dist.run("pipeline", get, "wordcount", "--node", url);
      assertEquals(1, counted.exit(), counted.toString());
      assertTrue(counted.err().contains("wordcount counts words in UTF-8 text, but its input is 3145728 bytes of binary data"),
          counted.err());
    } finally {
      server.stop(0);
    }

    Dist.Result sent = dist.run("submit", "sha256", "input=@" + data.resolve("blob.bin"), "--node", url);
    assertEquals(0, sent.exit(), sent.toString());
    assertEquals(sha256(blob), sent.out().trim(), "key=@path sends the file's bytes");
  }

  @Test
  @DisplayName("a bytes result is application/octet-stream from GET /jobs/{id}/result, byte[] in the Java client, and its size and hash in the job's JSON")
  void bytesResultsOverHttpAndTheClient() throws Exception {
    byte[] small = random(100_000, 4);
    Files.write(data.resolve("small.bin"), small);
    var params = Json.object().put("path", "small.bin").put("as", "bytes");
    assertArrayEquals(small, client.callBytes("read-file", params).join());
    assertArrayEquals(small, client.call("read-file", params).join().binaryValue());
    JsonNode job = client.run("read-file", params).join();
    assertEquals("bytes", job.path("resultType").asText(), job.toString());
    assertEquals(100_000, job.path("result").path("bytes").asInt());
    assertEquals(sha256(small), job.path("result").path("sha256").asText());

    HttpResponse<byte[]> raw = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(url + "/jobs/" + job.path("id").asText() + "/result")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, raw.statusCode());
    assertEquals("application/octet-stream", raw.headers().firstValue("content-type").orElse(""));
    assertArrayEquals(small, raw.body());
  }

  @Test
  @DisplayName("a 50 MB bytes result written with --output is byte-identical to its source")
  void fiftyMegabytesWithOutput() throws Exception {
    Path source = data.resolve("fifty.bin");
    byte[] bytes = random(50_000_000, 50);
    Files.write(source, bytes);
    Path written = dist.work().resolve("fifty.out");
    long start = System.nanoTime();
    Dist.Result saved = dist.run("submit", "read-file", "path=fifty.bin", "as=bytes", "--output", written.toString(), "--node", url);
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals(0, saved.exit(), saved.toString());
    assertEquals("", saved.out(), "the result went to the file, not stdout");
    assertTrue(saved.err().contains("wrote the result to " + written + " (50000000 bytes)"), saved.err());
    assertEquals(-1, Files.mismatch(source, written), "byte-identical");
    System.out.println("BytesIT: submit read-file as=bytes --output of 50,000,000 bytes took " + ms + " ms (CLI included)");

    Path text = dist.work().resolve("text.out");
    Dist.Result hashed = dist.run("submit", "sha256", "text=abc", "--output", text.toString(), "--node", url);
    assertEquals(0, hashed.exit(), hashed.toString());
    assertEquals(sha256("abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII)), Files.readString(text), "text as the text");
  }
}
