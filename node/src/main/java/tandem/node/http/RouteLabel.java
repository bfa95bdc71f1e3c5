package tandem.node.http;

import java.util.Set;

/**
 * A request's route as a template ({@code /jobs/{id}/result}), the label of the HTTP metrics: a
 * path a client made up, or a job id, must not become a label value of its own (each would be a
 * series Prometheus keeps).
 */
final class RouteLabel {
  private static final Set<String> TOP = Set.of("health", "members", "catalog", "workers", "stop", "metrics", "events");
  private static final Set<String> OF_A_JOB = Set.of("results", "result", "inputs", "cancel", "logs");

  private RouteLabel() {}

  static String of(String path) {
    String[] s = path.replaceAll("^/+|/+$", "").split("/+");
    if (s.length == 1 && s[0].isEmpty()) {
      return "/";
    }
    if (s[0].equals("dashboard")) {
      return "/dashboard/*";
    }
    // A member's address may arrive decoded, slashes and all: only the ends are sure.
    if (s[0].equals("members") && s.length >= 3 && s[s.length - 1].equals("log")) {
      return "/members/{member}/log";
    }
    if (!s[0].equals("jobs")) {
      return s.length == 1 && TOP.contains(s[0]) ? "/" + s[0] : "other";
    }
    if (s.length == 1) {
      return "/jobs";
    }
    if (s.length == 2) {
      return s[1].equals("stream") ? "/jobs/stream" : "/jobs/{id}";
    }
    return s.length == 3 && OF_A_JOB.contains(s[2]) ? "/jobs/{id}/" + s[2] : "other";
  }
}
