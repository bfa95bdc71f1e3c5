package tandem.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import tandem.protocol.api.BytesJson;
import tandem.protocol.api.Json;

/**
 * {@code key=value} words into job parameters: JSON numbers and booleans as such, {@code key=@path}
 * the file's bytes (sent as {@code {"base64": ...}}, which the node turns into bytes), the rest as
 * text ({@code key=@@x} is the text {@code @x}).
 */
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
      String value = word.substring(eq + 1);
      params.set(key, value.startsWith("@") && !value.startsWith("@@") ? file(key, value.substring(1))
          : value(value.startsWith("@@") ? value.substring(1) : value));
    }
    return params;
  }

  /** A file's bytes as a client sends bytes in JSON. */
  private static JsonNode file(String key, String path) {
    try {
      return BytesJson.base64(Files.readAllBytes(Path.of(path)));
    } catch (IOException | InvalidPathException e) {
      throw CliException.usage("parameter " + key + "=@" + path + " sends a file's bytes, but it cannot be read: " + e);
    }
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
