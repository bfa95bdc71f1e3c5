package tandem.node.jobs.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import tandem.protocol.api.Json;
import tandem.node.io.HttpGetPolicy;
import tandem.node.io.NodeIoContext;
import tandem.protocol.job.BadInputException;
import tandem.protocol.job.IoContext;
import tandem.protocol.job.IoJob;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.Param;

/**
 * GETs a URL with the asynchronous HTTP client: status, byte count and SHA-256 of the body, or
 * (as=bytes|text|base64) the body itself. Only URLs the node's {@link HttpGetPolicy} allows, checked on
 * every address the host resolves to, at every redirect.
 */
public final class HttpGetJob implements IoJob {
  /** As many as the JDK client follows by itself. */
  private static final int MAX_REDIRECTS = 5;

  @Override
  public String name() {
    return "http-get";
  }

  @Override
  public String description() {
    return "GET url: status, byte count and SHA-256 of the body, or (as=bytes|text|base64) the body";
  }

  @Override
  public List<Param> params() {
    return List.of(
        Param.string("url", "an http:// or https:// URL"),
        Param.optionalInteger("timeout-ms", 1, 3_600_000, "give up after this long (default 30000)"),
        ContentMode.param());
  }

  @Override
  public void validate(JobInput input) {
    ContentMode.of(input);
    uri(input.getString("url"));
  }

  private static URI uri(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme();
      if (!("http".equals(scheme) || "https".equals(scheme)) || uri.getHost() == null) {
        throw new BadInputException("http-get needs an http:// or https:// URL with a host, not " + url);
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new BadInputException("http-get: not a URL: " + e.getMessage());
    }
  }

  @Override
  public CompletionStage<JsonNode> start(JobInput input, IoContext io) {
    if (!(io instanceof NodeIoContext node)) {
      throw new IllegalStateException("http-get runs on a Tandem node's I/O context, which holds its address policy");
    }
    ContentMode mode = ContentMode.of(input);
    String url = input.getString("url");
    Duration timeout = Duration.ofMillis(input.getLong("timeout-ms", 30_000));
    // base64 grows the body by a third, so less of it fits under the cap.
    long keep = mode == ContentMode.SUMMARY ? -1 : mode == ContentMode.BASE64 ? io.maxResultBytes() / 4 * 3 : io.maxResultBytes();
    AtomicReference<CompletableFuture<?>> current = new AtomicReference<>();
    CompletableFuture<JsonNode> result = fetch(node, uri(url), timeout, keep, 0, current).thenApply(
        response -> {
          if (mode != ContentMode.SUMMARY) {
            if (response.statusCode() >= 400) {
              throw new BadInputException("GET " + url + " answered " + response.statusCode());
            }
            return mode.render(response.body().body(), "the body of " + url);
          }
          ObjectNode summary = Json.object();
          summary.put("status", response.statusCode());
          summary.put("bytes", response.body().bytes());
          summary.put("sha256", response.body().sha256());
          return summary;
        });
    // Cancelling the job cancels what runs now: the address check, or the exchange (the JDK
    // client then closes its connection).
    result.whenComplete((value, error) -> {
      if (result.isCancelled() && current.get() != null) {
        current.get().cancel(true);
      }
    });
    return result;
  }

  /**
   * GETs {@code uri} once its addresses pass the node's policy, then follows a redirect the same
   * way, hop by hop, as the JDK client's NORMAL policy would (never from https to http).
   */
  private static CompletableFuture<HttpResponse<DigestingSubscriber.Digest>> fetch(NodeIoContext io, URI uri, Duration timeout,
      long keep, int hops, AtomicReference<CompletableFuture<?>> current) {
    CompletableFuture<Void> checked = io.blocking(() -> {
      io.httpGetPolicy().check(uri); // resolves the host: a blocking call
      return (Void) null;
    }).toCompletableFuture();
    current.set(checked);
    return checked.thenCompose(ok -> {
      HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
      CompletableFuture<HttpResponse<DigestingSubscriber.Digest>> sent = io.fetchClient().sendAsync(request,
          info -> redirect(uri, info.statusCode(), info.headers()).isPresent()
              ? HttpResponse.BodySubscribers.replacing(null) // a redirect's body is not the result
              : new DigestingSubscriber(keep));
      current.set(sent);
      return sent;
    }).thenCompose(response -> {
      Optional<URI> next = redirect(uri, response.statusCode(), response.headers());
      if (next.isEmpty()) {
        return CompletableFuture.completedFuture(response);
      }
      if (hops >= MAX_REDIRECTS) {
        throw new BadInputException("GET " + uri + " redirected more than " + MAX_REDIRECTS + " times; stopped there");
      }
      return fetch(io, next.get(), timeout, keep, hops + 1, current);
    });
  }

  /** Where a response sends the client on, if it is a redirect http-get follows. */
  private static Optional<URI> redirect(URI from, int status, HttpHeaders headers) {
    if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
      return Optional.empty();
    }
    return headers.firstValue("location").map(location -> {
      try {
        return uri(from.resolve(location).toString());
      } catch (IllegalArgumentException e) {
        throw new BadInputException("GET " + from + " redirected to a bad location: " + location);
      }
    }).filter(to -> !("https".equals(from.getScheme()) && "http".equals(to.getScheme())));
  }
}
