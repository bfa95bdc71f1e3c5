package tandem.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tandem.launcher.client.TandemClient;
import tandem.protocol.api.Json;

@Command(name = "pipeline", mixinStandardHelpOptions = true,
    description = {"Run steps one after another, each step's result the next step's input parameter.",
        "Each step runs where its kind says: I/O steps on a node, CPU steps in a worker process.",
        "A step that reads content (read-file, http-get) passes the content on as bytes (as=bytes) unless told otherwise.",
        "Examples: tandem pipeline 'read-file path=words.txt' 'wordcount top=5'",
        "          tandem pipeline 'http-get url=http://127.0.0.1:9000/big.bin' 'sha256 rounds=1000'",
        "          tandem pipeline 'read-file' 'wordcount' --values path=a.txt,b.txt"})
final class PipelineCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClusterTarget target;
  @Mixin MapInputs inputs;
  @Mixin RunOptions options;
  @Mixin OutputOption output;

  @Parameters(arity = "1..*", paramLabel = "STEP", description = "a step, 'JOB KEY=VALUE ...' quoted as one word; the steps in order")
  List<String> steps;

  @Option(names = "--unordered", description = "with inputs: print each result as it completes, not in input order")
  boolean unordered;

  @Option(names = "--fail-fast", description = "with inputs: stop at the first failed element")
  boolean failFast;

  @Option(names = "--json", description = "print the pipeline as JSON: each step's ranOn and timings (with inputs, one JSON line per element)")
  boolean json;

  @Override
  public Integer call() throws IOException {
    List<ObjectNode> parsed = new ArrayList<>();
    for (String step : steps) {
      List<String> words = Arrays.stream(step.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
      if (words.isEmpty()) {
        throw CliException.usage("a pipeline step is a job and its parameters, e.g. 'wordcount top=5'; an empty step is not");
      }
      ObjectNode s = Json.object().put("job", words.get(0));
      s.set("params", Params.parse(words.subList(1, words.size())));
      parsed.add(s);
    }
    TandemClient client = target.client();
    if (inputs.given()) {
      if (output.given()) {
        throw CliException.usage("--output writes one result; with --range, --values or --inputs there is one per element");
      }
      ObjectNode map = options.addTo(inputs.elements(false));
      if (failFast) {
        map.put("failFast", true);
      }
      String id = client.submitPipeline(parsed, map).join().path("id").asText();
      return new MapFollower(spec, unordered, json, false).follow(client, id, "pipeline");
    }
    if (unordered || failFast) {
      throw CliException.usage("--unordered and --fail-fast go with --range, --values or --inputs");
    }
    output.checkWritable();
    JsonNode done = client.runPipeline(parsed, options.addTo(Json.object())).join();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (output.given() && JobText.succeeded(done)) {
      err.println(output.write(client, done));
    }
    if (json) {
      out.println(Json.write(done));
    } else if (JobText.succeeded(done) && !output.given()) {
      out.println(JobText.result(done));
      if (OutputOption.hint(done) != null) {
        err.println(OutputOption.hint(done));
      }
    }
    out.flush();
    if (!json) {
      for (JsonNode step : done.path("pipeline").path("steps")) {
        err.println("  " + stepLine(step));
      }
      err.println(JobText.summary(done));
    }
    err.flush();
    return JobText.succeeded(done) ? ExitCodes.OK : ExitCodes.JOB_FAILED;
  }

  /** {@code wordcount (cpu) succeeded: ran 12.3 ms on worker pid 123, total 15.0 ms}. */
  private static String stepLine(JsonNode step) {
    StringBuilder line = new StringBuilder(step.path("job").asText());
    if (step.has("kind")) {
      line.append(" (").append(step.path("kind").asText()).append(')');
    }
    line.append(' ').append(step.path("state").asText("not run"));
    JsonNode ranOn = step.path("ranOn");
    if (ranOn.isObject()) {
      line.append(": ran ").append(JobText.ms(step.path("timings").path("runMs")))
          .append(" on ").append(ranOn.path("role").asText()).append(" pid ").append(ranOn.path("pid").asLong())
          .append(", total ").append(JobText.ms(step.path("timings").path("totalMs")));
    }
    return line.toString();
  }
}
