package tandem.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tandem.launcher.client.TandemClient;
import tandem.node.Json;

@Command(name = "map", mixinStandardHelpOptions = true,
    description = {"Run a CPU job once per element, in worker processes, sent in chunks; results in input order.",
        "Examples: tandem map square --range x=0..9",
        "          tandem map sha256 text=abc --values rounds=1,10,100",
        "          tandem map square --range x=1..100000 --reduce sum"})
final class MapCommand implements Callable<Integer> {
  private static final Pattern RANGE = Pattern.compile("([^=]+)=(-?\\d+)\\.\\.(-?\\d+)(?::(\\d+))?");

  @Spec CommandSpec spec;
  @Mixin ClusterTarget target;

  @Parameters(index = "0", paramLabel = "JOB", description = "the job's name; 'tandem catalog' lists them")
  String job;

  @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "parameters every element shares")
  List<String> shared = List.of();

  @Option(names = "--range", paramLabel = "KEY=A..B[:STEP]", description = "elements KEY=A, A+STEP, ... up to B (included)")
  String range;

  @Option(names = "--values", paramLabel = "KEY=V1,V2,...", description = "one element per value")
  String values;

  @Option(names = "--inputs", paramLabel = "FILE", description = "JSON lines, one parameter object per element; - for standard input")
  String inputs;

  @Option(names = "--chunk", paramLabel = "N", description = "elements per message to a worker (default: about four chunks per worker)")
  Integer chunk;

  @Option(names = "--reduce", paramLabel = "OP", description = "fold the results on the owner node: sum, min, max, count or concat")
  String reduce;

  @Option(names = "--unordered", description = "print each result as it completes, not in input order")
  boolean unordered;

  @Option(names = "--fail-fast", description = "stop the map at the first failed element")
  boolean failFast;

  @Option(names = "--json", description = "print JSON lines: {\"index\": i, \"result\": ...} or {\"index\": i, \"error\": ...}")
  boolean json;

  @Override
  public Integer call() throws IOException {
    ObjectNode map = elements();
    if (chunk != null) {
      map.put("chunk", chunk);
    }
    if (reduce != null) {
      map.put("reduce", reduce);
    }
    if (failFast) {
      map.put("failFast", true);
    }
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    TandemClient client = target.client();
    String id = client.submitMap(job, Params.parse(shared), map).join().path("id").asText();
    boolean terminal = System.console() != null && !json;
    MapPrinter printer = new MapPrinter(unordered, json, terminal, out, err);
    JsonNode done = follow(client, id, printer);
    if (reduce != null) {
      if (json) {
        out.println(Json.write(done.path("result")));
      } else if (!done.path("result").isNull()) {
        out.println(JobText.result(done));
      }
    } else if (done.path("result").isArray()) {
      printer.finish(done);
    }
    out.flush();
    JsonNode view = done.path("map");
    err.printf("map %s %s %s: %d elements, %d failed, in %s%n", job, done.path("id").asText(), done.path("state").asText(),
        view.path("total").asInt(), view.path("failed").asInt(), JobText.ms(done.path("timings").path("totalMs")));
    if (done.path("error").isTextual()) {
      err.println("tandem: " + done.path("error").asText());
    }
    err.flush();
    return JobText.succeeded(done) ? ExitCodes.OK : ExitCodes.JOB_FAILED;
  }

  /**
   * Prints elements as the owner reports them settled, until the map is final; then returns the
   * finished job. Results of a reduce are not printed one by one: only the progress shows.
   */
  private JsonNode follow(TandemClient client, String id, MapPrinter printer) {
    int next = 0;
    while (true) {
      JsonNode page = client.mapResults(id, next).join();
      int total = page.path("total").asInt();
      if (reduce == null) {
        page.path("entries").forEach(entry -> printer.settled(entry, total));
      }
      next = page.path("next").asInt();
      printer.progress(page.path("done").asInt() + page.path("failed").asInt(), total);
      if (TandemClient.isFinal(page)) {
        return client.job(id).join();
      }
    }
  }

  private ObjectNode elements() throws IOException {
    int given = (range != null ? 1 : 0) + (values != null ? 1 : 0) + (inputs != null ? 1 : 0);
    if (given != 1) {
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
    } else {
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
