package tandem.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tandem.launcher.client.Futures;
import tandem.launcher.client.JobChannel;
import tandem.launcher.client.JobFailedException;
import tandem.launcher.client.TandemClient;
import tandem.launcher.client.TandemException;
import tandem.protocol.api.Json;

/** The Java client as a program uses it, against a real node with a worker. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TandemClientIT {
  private Dist dist;
  private TandemClient client;
  private String url;

  @BeforeAll
  void start() throws Exception {
    dist = new Dist();
    Dist.Background node = dist.start("node", "node", "--port", "0", "--http-port", "0", "--workers", "1");
    url = node.await(Pattern.compile("http (http://\\S+),"), Duration.ofSeconds(60)).group(1);
    client = new TandemClient(URI.create(url));
    node.await(Pattern.compile("takes up to"), Duration.ofSeconds(60));
  }

  @AfterAll
  void stop() {
    dist.close();
  }

  @Test
  @DisplayName("call gives a job's result; a failed job fails the future with the job's reason")
  void callsJobs() {
    assertEquals(144, client.call("square", Json.object().put("x", 12)).join().asInt());
    CompletionException e = assertThrows(CompletionException.class,
        () -> client.call("read-file", Json.object().put("path", "missing.txt")).join());
    JobFailedException failed = assertInstanceOf(JobFailedException.class, e.getCause());
    assertEquals("failed", failed.job().path("state").asText());
  }

  @Test
  @DisplayName("asCompleted yields futures as they finish, not as they were submitted")
  void asCompletedYieldsInCompletionOrder() {
    List<CompletableFuture<JsonNode>> futures = new ArrayList<>();
    for (int ms : new int[] {900, 600, 300, 50}) {
      futures.add(client.call("sleep", Json.object().put("ms", ms)));
    }
    List<Integer> order = new ArrayList<>();
    for (CompletableFuture<JsonNode> done : Futures.asCompleted(futures)) {
      order.add(done.join().asInt());
    }
    assertEquals(List.of(50, 300, 600, 900), order);
  }

  @Test
  @DisplayName("runMap and cancel work through the client too")
  void mapsAndCancels() {
    JsonNode map = client.runMap("square", Json.object(),
        (com.fasterxml.jackson.databind.node.ObjectNode) Json.read("{\"range\":{\"key\":\"x\",\"from\":1,\"to\":4},\"reduce\":\"sum\"}")).join();
    assertEquals(30, TandemClient.resultOf(map).asInt());
    assertEquals("node", client.run("square", Json.object().put("x", 3), Json.object().put("on", "threads")).join().path("ranOn").path("role").asText(),
        "--on threads runs a CPU job on the node");
    assertEquals("worker", client.run("sleep", Json.object().put("ms", 1), Json.object().put("on", "processes")).join().path("ranOn").path("role").asText(),
        "--on processes runs an I/O job in a worker");
    String id = client.submit("sleep", Json.object().put("ms", 60_000)).join().path("id").asText();
    assertEquals("cancelled", client.owner(id).thenCompose(owner -> owner.cancel(id)).join().path("state").asText());
    assertTrue(TandemClient.isFinal(client.awaitJob(id).join()));
  }

  @Test
  @DisplayName("map gives results in input order; settled streams them as they complete")
  void mapsInOrderAndAsCompleted() {
    ObjectNode values = (ObjectNode) Json.read("{\"values\":{\"key\":\"ms\",\"values\":[600,300,10]},\"chunk\":1}");
    List<JsonNode> inOrder = client.map("sleep", Json.object(), values).join();
    assertEquals(List.of(600, 300, 10), inOrder.stream().map(JsonNode::asInt).toList());
    String id = client.submitMap("sleep", Json.object(), values).join().path("id").asText();
    List<Integer> completed = client.settled(id).map(e -> e.path("result").asInt()).toList();
    assertEquals(List.of(10, 300, 600), completed);
  }

  @Test
  @DisplayName("a map that keeps its results and ends before its reader caught up still hands every result out, in order")
  void keptMapsHandOutEveryResult() {
    int n = 100_000; // kept in its job (not over the 100,000 a node keeps): it ends long before a reader pages through
    ObjectNode range = (ObjectNode) Json.read("{\"range\":{\"key\":\"x\",\"from\":1,\"to\":" + n + "}}");
    List<JsonNode> all = client.map("square", Json.object(), range).join();
    assertEquals(n, all.size());
    for (int i = 0; i < n; i++) {
      assertEquals((long) (i + 1) * (i + 1), all.get(i).asLong(), "element " + i);
    }
    String id = client.submitMap("square", Json.object(), range).join().path("id").asText();
    assertTrue(TandemClient.isFinal(client.awaitJob(id).join()));
    assertEquals(n, client.settled(id).count(), "settled, asked only once the map ended");
  }

  @Test
  @DisplayName("a map too large for its node to keep streams its results: inOrder reads them all in input order, like imap, and so does map")
  void streamsLargeMaps() {
    int n = 150_000; // over the 100,000 results a node keeps by default (tandem.jobs.max-queued)
    ObjectNode range = (ObjectNode) Json.read("{\"range\":{\"key\":\"x\",\"from\":1,\"to\":" + n + "}}");
    String id = client.submitMap("square", Json.object(), range).join().path("id").asText();
    long[] read = {0};
    client.inOrder(id).forEach(entry -> {
      read[0]++;
      assertEquals(read[0] * read[0], entry.path("result").asLong(), "element " + (read[0] - 1));
    });
    assertEquals(n, read[0]);
    JsonNode done = client.job(id).join();
    assertEquals("succeeded", done.path("state").asText(), done.toString());
    assertTrue(done.path("map").path("streamed").asBoolean(), "its results were streamed, not kept: " + done.path("map"));
    List<JsonNode> all = client.map("square", Json.object(), range).join();
    assertEquals(n, all.size());
    assertEquals((long) n * n, all.get(n - 1).asLong());
  }

  @Test
  @DisplayName("imap uploads its inputs as the node takes them and gives every result in order; a bad element fails alone, by its index")
  void imapUploadsInputs() {
    int n = 30_000;
    java.util.Iterator<ObjectNode> inputs = java.util.stream.IntStream.rangeClosed(1, n)
        .mapToObj(i -> i == 777 ? Json.object().put("x", "seven") : Json.object().put("x", i)).iterator();
    long[] read = {0};
    JobFailedException failed = assertThrows(JobFailedException.class, () -> client.imap("square", Json.object(), inputs, null)
        .forEach(entry -> {
          assertEquals(read[0], entry.path("index").asLong(), "in input order");
          read[0]++;
          if (read[0] != 777) {
            assertEquals(read[0] * read[0], entry.path("result").asLong(), entry.toString());
          } else {
            assertTrue(entry.path("error").asText().contains("parameter x"), entry.toString());
          }
        }), "one element failed: the map did, after every entry was read");
    assertEquals(n, read[0]);
    JsonNode map = failed.job().path("map");
    assertEquals(n, map.path("total").asInt(), map.toString());
    assertEquals(1, map.path("failed").asInt(), map.toString());
    assertTrue(map.path("streamed").asBoolean() && !map.has("receiving"), map.toString());
    java.util.Iterator<ObjectNode> folded = java.util.stream.IntStream.rangeClosed(1, 1000)
        .mapToObj(i -> Json.object().put("x", i)).iterator();
    String id = client.submitMap("square", Json.object(), (ObjectNode) Json.read("{\"inputs\":\"upload\",\"reduce\":\"sum\"}"))
        .join().path("id").asText();
    assertEquals(1000, client.uploadInputs(id, folded).join().path("inputs").asInt());
    assertEquals(333_833_500L, TandemClient.resultOf(client.awaitJob(id).join()).asLong(), "sum of squares 1..1000");
    TandemException again = assertThrows(TandemException.class,
        () -> unwrap(() -> client.uploadInputs(id, List.of(Json.object().put("x", 1)).iterator()).join()));
    assertEquals(409, again.status(), again.getMessage());
    TandemException unknown = assertThrows(TandemException.class,
        () -> unwrap(() -> client.uploadInputs("nope-1", List.of(Json.object().put("x", 1)).iterator()).join()));
    assertEquals(404, unknown.status(), unknown.getMessage());
  }

  @Test
  @DisplayName("tandem map --inputs FILE streams the file: a malformed line fails its element by index, or the map under --fail-fast, naming the line")
  void cliUploadsInputFiles() throws Exception {
    Path file = dist.work().resolve("inputs.jsonl");
    StringBuilder lines = new StringBuilder();
    for (int i = 1; i <= 30_000; i++) {
      lines.append(i == 20_001 ? "{\"x\": 20001,,}" : "{\"x\": " + i + "}").append('\n');
    }
    Files.writeString(file, lines);
    Dist.Result out = dist.run("map", "square", "--inputs", file.toString(), "--node", url);
    assertEquals(1, out.exit(), out.err());
    assertEquals(29_999, out.out().lines().count());
    assertTrue(out.err().contains("element 20000: line 20001 of the inputs"), out.err());
    assertEquals("900000000", out.out().lines().reduce((a, b) -> b).orElseThrow(), "the last result, in order");
    Dist.Result fast = dist.run("map", "square", "--inputs", file.toString(), "--fail-fast", "--node", url);
    assertEquals(1, fast.exit(), fast.err());
    assertTrue(fast.err().contains("stopped at the first failure (--fail-fast): element 20000: line 20001"), fast.err());
  }

  @Test
  @DisplayName("an upload cut off in the middle fails its map with that reason")
  void cutUploadFailsItsMap() throws Exception {
    String id = client.submitMap("square", Json.object(), (ObjectNode) Json.read("{\"inputs\":\"upload\"}")).join().path("id").asText();
    URI node = URI.create(url);
    try (java.net.Socket socket = new java.net.Socket(node.getHost(), node.getPort())) {
      String chunk = "{\"x\": 1}\n{\"x\": 2}\n";
      String request = "PUT /jobs/" + id + "/inputs HTTP/1.1\r\nHost: " + node.getAuthority()
          + "\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"
          + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n" + "100\r\n{\"x\": 3"; // cut inside a chunk
      socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (client.job(id).join().path("map").path("total").asInt() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(20); // a bounded poll: until the node took the first lines
      }
    }
    JsonNode done = client.awaitJob(id).join();
    assertEquals("failed", done.path("state").asText(), done.toString());
    assertTrue(done.path("error").asText().contains("the upload of its inputs broke off after 2 elements"), done.toString());
  }

  private static void unwrap(Runnable call) {
    try {
      call.run();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  @Test
  @DisplayName("results and inputs larger than one message arrive whole through the client and the CLI; beyond the cap a clear error")
  void largePayloadsArriveWhole() throws Exception {
    Path data = Files.createDirectories(dist.work().resolve("data"));
    String text = "tandem pekko kryo actor\n".repeat(125_000); // 3 MB: several parts each way
    Files.writeString(data.resolve("big.txt"), text);
    assertEquals(text, client.call("read-file", Json.object().put("path", "big.txt").put("as", "text")).join().asText());
    assertEquals(3_000_000, client.call("payload", Json.object().put("bytes", 3_000_000)).join().asText().length(),
        "a worker's 3 MB result came back whole");

    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    server.createContext("/big.txt", exchange -> {
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try {
      String get = "http-get url=http://127.0.0.1:" + server.getAddress().getPort() + "/big.txt";
      Dist.Result hashed = dist.run("pipeline", get, "sha256", "--node", url);
      assertEquals(0, hashed.exit(), hashed.toString());
      String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
      assertEquals(expected, hashed.out().trim(), "the body went from the node's I/O step into a worker's sha256");
      assertTrue(hashed.err().contains("http-get (io) succeeded") && hashed.err().contains("sha256 (cpu) succeeded: ran"),
          hashed.err());
    } finally {
      server.stop(0);
    }
    Dist.Result counted = dist.run("pipeline", "read-file path=big.txt", "wordcount top=1", "--json", "--node", url);
    assertEquals(0, counted.exit(), counted.toString());
    JsonNode job = Json.read(counted.out());
    assertEquals(500_000, job.path("result").path("words").asInt());
    assertEquals("worker", job.path("pipeline").path("steps").get(1).path("ranOn").path("role").asText());

    Dist.Result tooBig = dist.run("submit", "payload", "bytes=70000000", "--node", url);
    assertEquals(1, tooBig.exit(), tooBig.toString());
    assertTrue(tooBig.err().contains("tandem.wire.max-payload-bytes"), tooBig.err());
  }

  @Test
  @DisplayName("a job channel carries 2,000 jobs at once over one connection, each answered once with its own result; a refused job fails alone")
  void jobChannelCarriesManyJobs() throws Exception {
    try (JobChannel channel = client.openChannel().join()) {
      List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        answers.add(channel.call("square", Json.object().put("x", i)));
      }
      CompletableFuture<JsonNode> unknown = channel.run("nope", Json.object());
      JsonNode slept = channel.run("sleep", Json.object().put("ms", 10)).join();
      assertEquals("succeeded", slept.path("state").asText(), slept.toString());
      assertTrue(slept.path("id").asText().contains("-"), slept.toString());
      for (int i = 0; i < 2_000; i++) {
        assertEquals((long) i * i, answers.get(i).join().asLong());
      }
      // Every job answered: none left that the channel would follow at another node.
      assertEquals(0, channel.acceptedUnanswered());
      // A job in flight, once its id is heard: the one it would follow.
      CompletableFuture<JsonNode> slow = channel.run("sleep", Json.object().put("ms", 2_000));
      UpCluster.await(Duration.ofSeconds(30), () -> channel.acceptedUnanswered() == 1 || slow.isDone(), "the slow job's id heard");
      assertTrue(!slow.isDone(), "a 2 s job answered before its id was heard");
      assertEquals("succeeded", slow.join().path("state").asText());
      assertEquals(0, channel.acceptedUnanswered());
      CompletionException refused = assertThrows(CompletionException.class, unknown::join);
      TandemException why = assertInstanceOf(TandemException.class, refused.getCause());
      assertEquals(400, why.status());
      assertTrue(why.getMessage().startsWith("unknown job 'nope'"), why.getMessage());
      JsonNode failed = channel.run("read-file", Json.object().put("path", "missing.txt")).join();
      assertEquals("failed", failed.path("state").asText(), failed.toString());
      assertTrue(failed.path("error").asText().length() > 10, "a failed job says why: " + failed);
    }
  }

  @Test
  @DisplayName("on the raw job stream, malformed JSON, a missing tag, bad parameters and a binary message each get a one-line error, and the connection serves on")
  void jobStreamAnswersBadLines() throws Exception {
    java.util.concurrent.LinkedBlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
    java.net.http.WebSocket socket = openStream("", lines);
    try {
      socket.sendText("{not json", true).join();
      assertTrue(Json.read(next(lines)).path("error").asText().startsWith("malformed JSON"));
      socket.sendText("{\"job\": \"square\", \"params\": {\"x\": 2}}", true).join();
      assertTrue(Json.read(next(lines)).path("error").asText().startsWith("each job needs a \"tag\""));
      socket.sendBinary(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
      JsonNode binary = Json.read(next(lines));
      assertEquals(400, binary.path("status").asInt(), binary.toString());
      socket.sendText("{\"tag\": \"a\", \"job\": \"square\", \"params\": {\"x\": \"two\"}}\n"
          + "{\"tag\": 7, \"job\": \"square\", \"params\": {\"x\": 5}, \"extra\": 1}\n"
          + "{\"tag\": 8, \"job\": \"square\", \"params\": {\"x\": 6}}", true).join();
      java.util.Map<String, JsonNode> byTag = new java.util.HashMap<>();
      for (int i = 0; i < 3; i++) {
        JsonNode answer = Json.read(next(lines));
        byTag.put(answer.path("tag").asText(), answer);
      }
      assertEquals(400, byTag.get("a").path("status").asInt(), byTag.toString());
      assertTrue(byTag.get("7").path("error").asText().startsWith("unknown field 'extra'"), byTag.toString());
      assertEquals(36, byTag.get("8").path("result").asInt(), byTag.toString());
      assertEquals("succeeded", byTag.get("8").path("state").asText(), byTag.toString());
    } finally {
      socket.abort();
    }
  }

  @Test
  @DisplayName("on the job stream with ?ids=true, a job's id comes as soon as it is accepted, then its answer")
  void jobStreamSaysIdsOnAcceptance() throws Exception {
    java.util.concurrent.LinkedBlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
    java.net.http.WebSocket socket = openStream("?ids=true", lines);
    try {
      socket.sendText("{\"tag\": 9, \"job\": \"sleep\", \"params\": {\"ms\": 300}}\n{\"tag\": 10, \"job\": \"nope\"}", true).join();
      java.util.Map<String, JsonNode> byKind = new java.util.HashMap<>();
      for (int i = 0; i < 3; i++) {
        JsonNode line = Json.read(next(lines));
        byKind.put(line.has("accepted") ? "accepted" : line.path("tag").asText(), line);
      }
      JsonNode accepted = byKind.get("accepted");
      assertEquals(1, accepted.path("accepted").size(), "the refused job has no id: " + byKind);
      assertEquals(9, accepted.path("accepted").get(0).get(0).asInt(), accepted.toString());
      assertEquals(byKind.get("9").path("id").asText(), accepted.path("accepted").get(0).get(1).asText(), byKind.toString());
      assertEquals(400, byKind.get("10").path("status").asInt(), byKind.toString());
    } finally {
      socket.abort();
    }
  }

  private java.net.http.WebSocket openStream(String query, java.util.concurrent.BlockingQueue<String> lines) {
    return java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create(url.replaceFirst("^http", "ws") + "/jobs/stream" + query), new java.net.http.WebSocket.Listener() {
          private final StringBuilder partial = new StringBuilder();

          @Override
          public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
              lines.addAll(List.of(partial.toString().split("\n")));
              partial.setLength(0);
            }
            ws.request(1);
            return null;
          }
        }).join();
  }

  private static String next(java.util.concurrent.BlockingQueue<String> lines) throws InterruptedException {
    String line = lines.poll(10, java.util.concurrent.TimeUnit.SECONDS);
    if (line == null) {
      throw new AssertionError("no answer on the job stream within 10 s");
    }
    return line;
  }
}
