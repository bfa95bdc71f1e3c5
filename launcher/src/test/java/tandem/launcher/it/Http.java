package tandem.launcher.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import tandem.protocol.api.Json;

/** Plain HTTP calls, as curl would make them: the tests check the API itself, not our client. */
final class Http {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  record Answer(int status, JsonNode body) {}

  static Answer post(String url, String contentType, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return answer(CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString()));
  }

  static Answer get(String url) throws Exception {
    return answer(CLIENT.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString()));
  }

  static JsonNode job(String base, String job, String params) throws Exception {
    Answer a = post(base + "/jobs?wait=true", "application/json", "{\"job\":\"" + job + "\",\"params\":" + params + "}");
    if (a.status() != 200) {
      throw new AssertionError(job + " " + params + " -> " + a);
    }
    return a.body();
  }

  private static Answer answer(HttpResponse<String> response) {
    return new Answer(response.statusCode(), Json.read(response.body()));
  }
}
