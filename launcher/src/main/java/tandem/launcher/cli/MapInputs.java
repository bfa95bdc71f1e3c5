package tandem.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;
import tandem.protocol.api.Json;

/** The elements of a map or of a pipeline over many inputs: a range, a list of values, or a file. */
final class MapInputs {
  private static final Pattern RANGE = Pattern.compile("([^=]+)=(-?\\d+)\\.\\.(-?\\d+)(?::(\\d+))?");

  @Option(names = "--range", paramLabel = "KEY=A..B[:STEP]", description = "elements KEY=A, A+STEP, ... up to B (included)")
  String range;

  @Option(names = "--values", paramLabel = "KEY=V1,V2,...", description = "one element per value")
  String values;

  @Option(names = "--inputs", paramLabel = "FILE", description = "JSON lines, one parameter object per element; - for standard input")
  String inputs;

  /** Whether any elements were given. */
  boolean given() {
    return range != null || values != null || inputs != null;
  }

  /** Whether the elements come from a file or standard input, which a map uploads as the node takes them. */
  boolean uploads() {
    return inputs != null;
  }

  /**
   * The map's elements as {@code POST /jobs} takes them, with {@code --inputs} as {@code "upload"}:
   * the file (or standard input) is then sent with {@link #lines} once the map is accepted, read
   * only as fast as the node takes elements, so it may be of any length.
   */
  ObjectNode mapElements() throws IOException {
    if (inputs == null) {
      return elements(true);
    }
    int given = (range != null ? 1 : 0) + (values != null ? 1 : 0);
    if (given > 0) {
      throw CliException.usage("give the elements with exactly one of --range KEY=A..B, --values KEY=V1,V2 or --inputs FILE");
    }
    if (!inputs.equals("-") && !Files.isReadable(Path.of(inputs))) {
      throw CliException.usage("no file " + inputs + " to read; --inputs takes a file of JSON lines, or - for standard input");
    }
    ObjectNode map = Json.object();
    map.put("inputs", "upload");
    return map;
  }

  /** Opens the file of {@code --inputs} (or standard input), for the upload. */
  InputStream lines() {
    try {
      return inputs.equals("-") ? System.in : Files.newInputStream(Path.of(inputs));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + inputs + ": " + e.getMessage(), e);
    }
  }

  /**
   * The elements as {@code POST /jobs} takes them: an object with {@code range}, {@code values} or
   * {@code inputs}.
   *
   * @param required whether giving none is a mistake
   */
  ObjectNode elements(boolean required) throws IOException {
    int given = (range != null ? 1 : 0) + (values != null ? 1 : 0) + (inputs != null ? 1 : 0);
    if (given > 1 || (required && given == 0)) {
      throw CliException.usage("give the elements with exactly one of --range KEY=A..B, --values KEY=V1,V2 or --inputs FILE");
    }
    ObjectNode map = Json.object();
    if (range != null) {
      Matcher m = RANGE.matcher(range);
      if (!m.matches()) {
        throw CliException.usage("--range takes KEY=A..B or KEY=A..B:STEP with whole numbers, e.g. x=0..9, not '" + range + "'");
      }
      ObjectNode r = map.putObject("range").put("key", m.group(1)).put("from", Long.parseLong(m.group(2)))
          .put("to", Long.parseLong(m.group(3)));
      if (m.group(4) != null) {
        r.put("step", Long.parseLong(m.group(4)));
      }
    } else if (values != null) {
      int eq = values.indexOf('=');
      if (eq <= 0) {
        throw CliException.usage("--values takes KEY=V1,V2,..., e.g. rounds=1,10,100, not '" + values + "'");
      }
      ArrayNode list = map.putObject("values").put("key", values.substring(0, eq)).putArray("values");
      for (String v : values.substring(eq + 1).split(",", -1)) {
        list.add(Params.value(v));
      }
    } else if (inputs != null) {
      map.set("inputs", readInputs());
    }
    return map;
  }

  private ArrayNode readInputs() throws IOException {
    ArrayNode list = Json.NODES.arrayNode();
    try (BufferedReader in = inputs.equals("-")
        ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
        : Files.newBufferedReader(Path.of(inputs))) {
      int number = 0;
      for (String line; (line = in.readLine()) != null; ) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode element;
        try {
          element = Json.MAPPER.readTree(line);
        } catch (IOException e) {
          throw CliException.usage(inputs + " line " + number + " is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!element.isObject()) {
          throw CliException.usage(inputs + " line " + number + " must be a JSON object of parameters");
        }
        list.add(element);
      }
    } catch (java.nio.file.NoSuchFileException e) {
      throw CliException.usage("no file " + inputs + "; --inputs takes a file of JSON lines, or - for standard input");
    }
    return list;
  }
}
