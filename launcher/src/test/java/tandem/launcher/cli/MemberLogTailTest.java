package tandem.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tandem.launcher.client.TandemClient;

/** Against a stand-in node that serves a member's log as GET /members/{member}/log does. */
class MemberLogTailTest {
  private static final String ADDRESS = "pekko://tandem@127.0.0.1:2552";
  private final List<String> asked = new CopyOnWriteArrayList<>();
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** after=0: two lines (next 2); after=2: one line and 3 missed (next 6); later: nothing new. */
  private TandemClient node() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/members/", this::serve);
    server.start();
    return new TandemClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "test", null);
  }

  private void serve(HttpExchange exchange) throws IOException {
    String query = exchange.getRequestURI().getRawQuery();
    asked.add(exchange.getRequestURI().getRawPath() + "?" + query);
    String body;
    if (query.contains("after=0")) {
      body = "one\ntwo\n";
      exchange.getResponseHeaders().add("Tandem-Log-Next", "2");
      exchange.getResponseHeaders().add("Tandem-Log-Missed", "40");
    } else if (query.contains("after=2")) {
      body = "six\n";
      exchange.getResponseHeaders().add("Tandem-Log-Next", "6");
      exchange.getResponseHeaders().add("Tandem-Log-Missed", "3");
    } else {
      body = "";
      exchange.getResponseHeaders().add("Tandem-Log-Next", "6");
    }
    exchange.getResponseHeaders().add("Tandem-Log-Member", ADDRESS);
    exchange.getResponseHeaders().add("Tandem-Log-Pid", "4242");
    exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=UTF-8");
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Test
  @DisplayName("prints the newest lines once, without a missed line for the earlier ones")
  void printsOnce() throws Exception {
    StringWriter text = new StringWriter();
    int code = new MemberLogTail(node(), new PrintWriter(text)).print("4242", 2, false);
    assertEquals(ExitCodes.OK, code);
    assertEquals("one\ntwo\n", text.toString());
    assertEquals(List.of("/members/4242/log?lines=2&after=0"), asked);
  }

  @Test
  @DisplayName("following asks by address after the last line seen, prints only new lines and what it missed, until interrupted")
  void follows() throws Exception {
    TandemClient client = node();
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text);
    Thread follower = new Thread(() -> new MemberLogTail(client, out).print("4242", 2, true));
    follower.start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (asked.size() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    follower.interrupt();
    follower.join(10_000);
    assertTrue(!follower.isAlive(), "the follower ends when interrupted");
    assertEquals("one\ntwo\n[... 3 lines missed ...]\nsix\n", text.toString());
    assertEquals("/members/pekko%3A%2F%2Ftandem%40127.0.0.1%3A2552/log?lines=1000&after=2", asked.get(1));
    assertEquals("/members/pekko%3A%2F%2Ftandem%40127.0.0.1%3A2552/log?lines=1000&after=6", asked.get(2));
  }

  @Test
  @DisplayName("lines outside 1..1000 are a usage error before any request")
  void refusesBadLines() throws Exception {
    CliException e = assertThrows(CliException.class,
        () -> new MemberLogTail(node(), new PrintWriter(new StringWriter())).print("4242", 0, false));
    assertEquals(ExitCodes.USAGE, e.exitCode());
    assertTrue(e.getMessage().contains("from 1 to 1000"), e.getMessage());
    assertEquals(List.of(), asked);
  }
}
