package tandem.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tandem.launcher.client.JobChannel;
import tandem.launcher.client.TandemClient;
import tandem.launcher.client.TandemException;
import tandem.protocol.api.Json;

/** A node whose HTTP API asks for a bearer token, and one that refuses to listen off loopback without one. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpTokenIT {
  private static final String TOKEN = "it-token-0123456789abcdef";
  private Dist dist;
  private String url;

  @BeforeAll
  void start() throws Exception {
    dist = new Dist();
    Path config = dist.work().resolve("token.conf");
    Files.writeString(config, "tandem.http.token = \"" + TOKEN + "\"\n");
    Dist.Background node = dist.start("node", "node", "--port", "0", "--http-port", "0", "--workers", "1",
        "--config", config.toString());
    url = node.await(Pattern.compile("http (http://\\S+),"), Duration.ofSeconds(60)).group(1);
    node.await(Pattern.compile("takes up to"), Duration.ofSeconds(60));
  }

  @AfterAll
  void stop() {
    dist.close();
  }

  private static HttpResponse<String> get(String url, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + "/health")).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName("with tandem.http.token set, a request without it or with another gets 401 and a reason; with it, 200")
  void requestsNeedTheToken() throws Exception {
    HttpResponse<String> none = get(url, null);
    assertEquals(401, none.statusCode(), none.body());
    assertTrue(Json.read(none.body()).path("error").asText().contains("Authorization: Bearer"), none.body());
    assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"), none.headers().toString());
    HttpResponse<String> wrong = get(url, "Bearer not-the-token-at-all-000");
    assertEquals(401, wrong.statusCode(), wrong.body());
    assertTrue(Json.read(wrong.body()).path("error").asText().contains("not this node's tandem.http.token"), wrong.body());
    assertEquals(200, get(url, "Bearer " + TOKEN).statusCode());
  }

  @Test
  @DisplayName("the Java client and its job channel send the token they are given; without it they fail with 401 and what to set")
  void javaClientSendsTheToken() {
    TandemClient client = new TandemClient(URI.create(url), "", TOKEN);
    assertEquals(9, client.call("square", Json.object().put("x", 3)).join().asInt());
    try (JobChannel channel = client.openChannel().join()) {
      assertEquals(16, channel.call("square", Json.object().put("x", 4)).join().asInt());
    }
    TandemClient without = new TandemClient(URI.create(url), "", null);
    CompletionException e = assertThrows(CompletionException.class, () -> without.health().join());
    assertEquals(401, assertInstanceOf(TandemException.class, e.getCause()).status());
    CompletionException stream = assertThrows(CompletionException.class, () -> without.openChannel().join());
    TandemException refused = assertInstanceOf(TandemException.class, stream.getCause());
    assertTrue(refused.getMessage().contains("TANDEM_TOKEN"), refused.getMessage());
  }

  @Test
  @DisplayName("the CLI sends $TANDEM_TOKEN; without it, it exits 2 saying to set it")
  void cliSendsTheToken() throws Exception {
    Dist.Result ok = dist.run(dist.work(), Map.of("TANDEM_TOKEN", TOKEN), "submit", "square", "x=5", "--json", "--node", url);
    assertEquals(0, ok.exit(), ok.toString());
    JsonNode job = Json.read(ok.out());
    assertEquals(25, job.path("result").asInt(), ok.toString());
    Dist.Result refused = dist.run("submit", "square", "x=5", "--node", url);
    assertEquals(2, refused.exit(), refused.toString());
    assertTrue(refused.err().contains("TANDEM_TOKEN"), refused.toString());
  }

  @Test
  @DisplayName("a node asked to listen off loopback without a token refuses to start, exit 2, naming tandem.http.token")
  void noTokenOffLoopbackRefused() throws Exception {
    Path config = dist.work().resolve("open.conf");
    Files.writeString(config, "tandem.http.host = \"0.0.0.0\"\n");
    Dist.Result refused = dist.run("node", "--port", "0", "--http-port", "0", "--workers", "0", "--config", config.toString());
    assertEquals(2, refused.exit(), refused.toString());
    assertTrue(refused.err().contains("tandem.http.token"), refused.toString());
    Path shortToken = dist.work().resolve("short.conf");
    Files.writeString(shortToken, "tandem.http.token = \"abc\"\n");
    Dist.Result tooShort = dist.run("node", "--port", "0", "--http-port", "0", "--workers", "0", "--config", shortToken.toString());
    assertEquals(2, tooShort.exit(), tooShort.toString());
    assertTrue(tooShort.err().contains("16 or more characters"), tooShort.toString());
  }
}
