package tandem.node.jobs.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import tandem.node.Json;
import tandem.protocol.job.BadInputException;
import tandem.protocol.job.IoContext;
import tandem.protocol.job.IoJob;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.Param;

/**
 * GETs a URL with the asynchronous HTTP client: status, byte count and SHA-256 of the body, or
 * (as=text|base64) the body itself.
 */
public final class HttpGetJob implements IoJob {
  @Override
  public String name() {
    return "http-get";
  }

  @Override
  public String description() {
    return "GET url: status, byte count and SHA-256 of the body, or (as=text|base64) the body";
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
    HttpRequest request =
        HttpRequest.newBuilder(uri(input.getString("url")))
            .timeout(Duration.ofMillis(input.getLong("timeout-ms", 30_000)))
            .GET()
            .build();
    ContentMode mode = ContentMode.of(input);
    String url = input.getString("url");
    // base64 grows the body by a third, so less of it fits under the cap.
    long keep = mode == ContentMode.SUMMARY ? -1 : mode == ContentMode.BASE64 ? io.maxResultBytes() / 4 * 3 : io.maxResultBytes();
    var sent = io.httpClient().sendAsync(request, info -> new DigestingSubscriber(keep));
    // Cancelling the job cancels the exchange: the JDK client then closes its connection.
    return IoContext.cancelsAlso(sent.thenApply(
            response -> {
              if (mode != ContentMode.SUMMARY) {
                if (response.statusCode() >= 400) {
                  throw new BadInputException("GET " + url + " answered " + response.statusCode());
                }
                return mode.render(response.body().body(), "the body of " + url);
              }
              ObjectNode result = Json.object();
              result.put("status", response.statusCode());
              result.put("bytes", response.body().bytes());
              result.put("sha256", response.body().sha256());
              return result;
            }), sent);
  }
}
