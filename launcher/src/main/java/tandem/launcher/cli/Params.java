package tandem.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import tandem.protocol.api.Json;

/** {@code key=value} words into job parameters: JSON numbers and booleans as such, the rest as text. */
final class Params {
  private Params() {}

  static ObjectNode parse(List<String> words) {
    ObjectNode params = Json.object();
    for (String word : words) {
      int eq = word.indexOf('=');
      if (eq <= 0) {
        throw CliException.usage("job parameters are key=value, e.g. n=1000000; '" + word + "' is not");
      }
      String key = word.substring(0, eq);
      if (params.has(key)) {
        throw CliException.usage("parameter " + key + " is given twice");
      }
      params.set(key, value(word.substring(eq + 1)));
    }
    return params;
  }

  /** One word's value: a JSON number or boolean as such, else text. */
  static JsonNode value(String text) {
    try {
      JsonNode parsed = Json.MAPPER.readTree(text);
      if (parsed != null && (parsed.isNumber() || parsed.isBoolean())) {
        return parsed;
      }
    } catch (java.io.IOException notJson) {
      // plain text
    }
    return Json.NODES.textNode(text);
  }
}
