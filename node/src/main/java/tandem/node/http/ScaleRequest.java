package tandem.node.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import tandem.protocol.api.Json;
import tandem.protocol.job.BadInputException;

/** The body of {@code POST /workers}: {@code {"count": N}}, the local workers a node keeps. */
final class ScaleRequest {
  /** As many as {@code tandem node --workers} takes. */
  static final int MAX = 256;

  private ScaleRequest() {}

  static int count(String body) {
    JsonNode tree;
    try {
      tree = Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BadInputException("malformed JSON: " + e.getOriginalMessage() + "; send {\"count\": 4}");
    }
    JsonNode count = tree == null ? null : tree.get("count");
    if (count == null || !count.isIntegralNumber() || !count.canConvertToInt() || count.asInt() < 0 || count.asInt() > MAX) {
      throw new BadInputException("send {\"count\": N} with N the local workers to keep, from 0 to " + MAX);
    }
    if (tree.size() != 1) {
      throw new BadInputException("send only {\"count\": N}");
    }
    return count.asInt();
  }
}
