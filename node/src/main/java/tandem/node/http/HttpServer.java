package tandem.node.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import tandem.node.metrics.NodeMetrics;
import tandem.node.NodeSettings;

/**
 * Serves a node's routes at tandem.http.host and port, over plain HTTP (no TLS: the API stays on
 * loopback unless a token is set). Every request passes the token check when tandem.http.token is
 * set, and every failure or Pekko rejection becomes one line of JSON through {@link JsonResponses}.
 * The server's own limits (timeouts, backlog, connections) are pekko.http.server in reference.conf.
 */
public final class HttpServer {
  private HttpServer() {}

  /**
   * Binds {@code routes}; the binding is undone by the node's coordinated shutdown in its
   * service-unbind phase, after the drain, so clients can ask about draining jobs until they end.
   */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, NodeSettings settings, Route routes) {
    return start(system, settings, null, routes);
  }

  /**
   * @param open routes served without the token (the dashboard's page, which holds no data and
   *     asks for the token itself), or null
   */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, NodeSettings settings, Route open, Route routes) {
    Route guarded = withToken(settings.httpToken(), withJsonErrors(settings.maxBodyBytes(), routes));
    return Http.get(system).newServerAt(settings.httpHost(), settings.httpPort())
        .bind(counted(NodeMetrics.get(system), drainingOversized(system, settings.maxBodyBytes(),
            open == null ? guarded : Directives.concat(open, guarded))))
        .thenApply(binding -> {
          CoordinatedShutdown.get(Adapter.toClassic(system)).addTask(
              CoordinatedShutdown.PhaseServiceUnbind(), "http-unbind",
              () -> binding.unbind().thenApply(x -> Done.getInstance()));
          return binding;
        });
  }

  /** Every answer counted by method, route and status (401s and 413s too) for GET /metrics. */
  private static Route counted(NodeMetrics metrics, Route routes) {
    return Directives.extractRequest(request -> Directives.mapResponse(response -> {
      metrics.httpRequest(request.method().value(), RouteLabel.of(request.getUri().path()), response.status().intValue());
      return response;
    }, () -> routes));
  }

  /**
   * A body over the limit, by its Content-Length, is read and thrown away before the 413 goes out.
   * Answered unread, the connection closes with the client's bytes still in the socket, the kernel
   * resets it, and the client often sees "connection reset" instead of the reason (ClusterIT caught
   * this on a loaded machine). Pekko's own pekko.http.server.parsing.max-content-length still ends
   * an upload too large even to drain.
   */
  private static Route drainingOversized(ActorSystem<?> system, long maxBodyBytes, Route routes) {
    return Directives.extractRequest(request -> {
      java.util.OptionalLong length = request.entity().getContentLengthOption();
      boolean upload = request.method().equals(org.apache.pekko.http.javadsl.model.HttpMethods.PUT)
          && request.getUri().path().endsWith("/inputs"); // a map's inputs: read as the map takes them, of any size
      if (length.isEmpty() || length.getAsLong() <= maxBodyBytes || upload) {
        return routes;
      }
      return Directives.onComplete(request.discardEntityBytes(system).completionStage(), drained ->
          Directives.complete(JsonResponses.bodyTooLarge(maxBodyBytes).response()));
    });
  }

  /** Failures and rejections (unknown path, wrong method, body too large...) as JSON, never a stack trace. */
  private static Route withJsonErrors(long maxBodyBytes, Route routes) {
    ExceptionHandler failures = ExceptionHandler.newBuilder()
        .matchAny(e -> Directives.complete(JsonResponses.failure(e, JsonResponses.NO_ANSWER, maxBodyBytes).response()))
        .build();
    RejectionHandler rejections = RejectionHandler.defaultHandler()
        .mapRejectionResponse(response -> JsonResponses.rejected(response, maxBodyBytes));
    return Directives.handleExceptions(failures, () -> Directives.handleRejections(rejections, () -> routes));
  }

  /**
   * With a token, a request without it is answered 401 before any route sees it. The comparison
   * takes the same time wherever the first wrong byte is, so the token cannot be guessed byte by byte.
   */
  private static Route withToken(String token, Route routes) {
    if (token == null) {
      return routes;
    }
    byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    return Directives.optionalHeaderValueByName("Authorization", given -> given
        .filter(value -> MessageDigest.isEqual(value.trim().getBytes(StandardCharsets.UTF_8), expected))
        .map(ok -> routes)
        .orElseGet(() -> Directives.complete(JsonResponses.error(StatusCodes.UNAUTHORIZED,
                given.isEmpty()
                    ? "this node asks every request for its token: send 'Authorization: Bearer <tandem.http.token>' (the CLI and the Java client send $TANDEM_TOKEN)"
                    : "the token sent is not this node's tandem.http.token")
            .addHeader(WWWAuthenticate.create(HttpChallenge.create("Bearer", "tandem"))))));
  }
}
