package tandem.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import tandem.protocol.api.Json;

/** How a job reads on a terminal. */
final class JobText {
  private JobText() {}

  /** The result alone: text as is, anything else as compact JSON. */
  static String result(JsonNode job) {
    JsonNode result = job.path("result");
    return result.isTextual() ? result.asText() : Json.write(result);
  }

  /** {@code primes k3x9-1 succeeded in 152.3 ms; ran 150.1 ms on worker pid 4242 (...), thread ...}. */
  static String summary(JsonNode job) {
    StringBuilder s = new StringBuilder()
        .append(job.path("job").asText()).append(' ').append(job.path("id").asText()).append(' ')
        .append(job.path("state").asText());
    JsonNode timings = job.path("timings");
    s.append(" in ").append(ms(timings.path("totalMs")));
    JsonNode where = job.path("ranOn");
    if (where.isObject()) {
      s.append("; ran ");
      if (timings.path("runMs").isNumber()) {
        s.append(ms(timings.path("runMs"))).append(' ');
      }
      s.append("on ").append(where.path("role").asText()).append(" pid ").append(where.path("pid").asLong())
          .append(" (").append(where.path("address").asText()).append(')');
      if (where.path("thread").isTextual()) {
        s.append(", thread ").append(where.path("thread").asText());
      }
    }
    if (job.path("error").isTextual()) {
      s.append(": ").append(job.path("error").asText());
    }
    return s.toString();
  }

  static String where(JsonNode job) {
    JsonNode where = job.path("ranOn");
    return where.isObject() ? where.path("role").asText() + " pid " + where.path("pid").asLong() : "-";
  }

  static String ms(JsonNode value) {
    return value.isNumber() ? String.format(Locale.ROOT, "%.1f ms", value.asDouble()) : "-";
  }

  /** The error of a failed job, else its result; cut to {@code max} characters for a table. */
  static String outcome(JsonNode job, int max) {
    String text = job.path("error").isTextual() ? job.path("error").asText() : result(job);
    return text.length() <= max ? text : text.substring(0, max - 3) + "...";
  }

  static boolean succeeded(JsonNode job) {
    return "succeeded".equals(job.path("state").asText());
  }
}
