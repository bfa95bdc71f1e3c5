package tandem.launcher.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tandem.launcher.client.TandemClient;

@Command(name = "map", mixinStandardHelpOptions = true,
    description = {"Run a job once per element (CPU jobs in worker processes, in chunks); results in input order.",
        "Examples: tandem map square --range x=0..9",
        "          tandem map sha256 text=abc --values rounds=1,10,100",
        "          tandem map square --range x=1..100000 --reduce sum",
        "          tandem map square --inputs numbers.jsonl   (one {\"x\": 3} per line; - reads standard input)"})
final class MapCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClusterTarget target;

  @Parameters(index = "0", paramLabel = "JOB", description = "the job's name; 'tandem catalog' lists them")
  String job;

  @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "parameters every element shares")
  List<String> shared = List.of();

  @Mixin MapInputs inputs;
  @Mixin RunOptions options;

  @Option(names = "--chunk", paramLabel = "N", description = "elements per message to a worker (default: about four chunks per worker)")
  Integer chunk;

  @Option(names = "--reduce", paramLabel = "OP", description = "fold the results on the owner node: sum, min, max, count or concat")
  String reduce;

  @Mixin PlacementOption placement;

  @Option(names = "--unordered", description = "print each result as it completes, not in input order")
  boolean unordered;

  @Option(names = "--fail-fast", description = "stop the map at the first failed element")
  boolean failFast;

  @Option(names = "--json", description = "print JSON lines: {\"index\": i, \"result\": ...} or {\"index\": i, \"error\": ...}")
  boolean json;

  @Override
  public Integer call() throws IOException {
    TandemClient client = target.client();
    // An I/O job's map runs on the node as a pipeline of one step, which takes its inputs whole.
    boolean uploads = inputs.uploads() && ("processes".equals(placement.on) || !isIo(client, job));
    ObjectNode map = uploads ? inputs.mapElements() : inputs.elements(true);
    if (chunk != null) {
      map.put("chunk", chunk);
    }
    if (reduce != null) {
      map.put("reduce", reduce);
    }
    if (failFast) {
      map.put("failFast", true);
    }
    placement.addTo(map);
    options.addTo(map);
    String id = client.submitMap(job, Params.parse(shared), map).join().path("id").asText();
    // The file goes up as the node takes its elements, while the results are read and printed.
    CompletableFuture<JsonNode> upload = uploads ? client.uploadInputs(id, inputs::lines) : null;
    int exit = new MapFollower(spec, unordered, json, reduce != null).follow(client, id, "map " + job);
    if (upload != null && exit == ExitCodes.OK) {
      upload.join(); // the map ended after its last input was taken: the upload's answer is there or near
    }
    return exit;
  }

  private static boolean isIo(TandemClient client, String job) {
    for (JsonNode known : client.catalog().join()) {
      if (known.path("name").asText().equals(job)) {
        return known.path("kind").asText().equals("io");
      }
    }
    return false; // unknown: the node says so when the map is submitted
  }
}
