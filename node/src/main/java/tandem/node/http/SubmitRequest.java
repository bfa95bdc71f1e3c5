package tandem.node.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import tandem.node.Json;
import tandem.protocol.job.BadInputException;

/** The body of {@code POST /jobs}: {@code {"job": "primes", "params": {"n": 1000000}}}. */
record SubmitRequest(String job, ObjectNode params) {

  static SubmitRequest parse(String body) {
    JsonNode tree;
    try {
      tree = Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BadInputException("malformed JSON: " + e.getOriginalMessage());
    }
    if (tree == null || !tree.isObject()) {
      throw new BadInputException(
          "send a JSON object like {\"job\": \"square\", \"params\": {\"x\": 12}}");
    }
    for (Iterator<String> names = tree.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("job") && !name.equals("params")) {
        throw new BadInputException("unknown field '" + name + "'; a job has only \"job\" and \"params\"");
      }
    }
    JsonNode job = tree.get("job");
    if (job == null || !job.isTextual() || job.asText().isBlank()) {
      throw new BadInputException("\"job\" must name a job, e.g. {\"job\": \"square\", \"params\": {\"x\": 12}}");
    }
    JsonNode params = tree.get("params");
    if (params == null || params.isNull()) {
      return new SubmitRequest(job.asText(), Json.object());
    }
    if (!params.isObject()) {
      throw new BadInputException("\"params\" must be a JSON object of name: value");
    }
    return new SubmitRequest(job.asText(), (ObjectNode) params);
  }
}
