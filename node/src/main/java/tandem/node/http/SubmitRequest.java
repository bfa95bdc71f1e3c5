package tandem.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import tandem.protocol.api.Json;
import tandem.node.owner.JobManager;
import tandem.node.owner.JobProtocol;
import tandem.node.owner.JobOptions;
import tandem.node.owner.Placement;
import tandem.node.owner.RangeElements;
import tandem.node.owner.UploadedElements;
import tandem.node.Reduce;
import tandem.protocol.api.BytesJson;
import tandem.protocol.job.BadInputException;

/**
 * The body of {@code POST /jobs}: {@code {"job": "primes", "params": {"n": 1000000}}}. With one of
 * {@code inputs} (a list of parameter objects, or {@code "upload"}: they follow as JSON lines with
 * {@code PUT /jobs/{id}/inputs}), {@code range} ({@code {"key", "from", "to",
 * "step"}}, both ends included) or {@code values} ({@code {"key", "values": [...]}}) it is a map:
 * the job once per element, {@code params} shared by all; {@code chunk}, {@code reduce} and
 * {@code failFast} are optional. A pipeline gives {@code "pipeline": [{"job", "params"}, ...]}
 * instead of {@code job} and {@code params}: each step's result becomes the next step's input.
 *
 * @param job the job, or null for a pipeline
 * @param map the elements, or null for a single job or pipeline
 * @param pipeline the steps, or null when it is no pipeline
 * @param options {@code "on": "threads"|"processes"}, {@code "timeout": "30s"} (or milliseconds),
 *     {@code "retries": 3}, {@code "retryOnError": true}; all optional
 */
record SubmitRequest(String job, ObjectNode params, MapPart map, List<JobProtocol.PipelineStep> pipeline, JobOptions options) {

  /** What makes a request a map. */
  record MapPart(List<ObjectNode> elements, int chunk, Reduce reduce, boolean failFast) {}

  private static final Set<String> FIELDS = Set.of("job", "params", "pipeline", "inputs", "range", "values", "chunk", "reduce", "failFast", "on",
      "timeout", "retries", "retryOnError");

  /** A body of {@code POST /jobs}; its sizes are checked while its tree is built. */
  static SubmitRequest parse(String body, SubmitLimits limits) {
    return of(JsonShape.read(body, limits), limits);
  }

  /** A submission already read as JSON (from the job stream, which read it with {@link JsonShape}). */
  static SubmitRequest of(JsonNode tree, SubmitLimits limits) {
    if (tree == null || !tree.isObject()) {
      throw new BadInputException("send a JSON object like {\"job\": \"square\", \"params\": {\"x\": 12}}");
    }
    try {
      BytesJson.received(tree); // {"base64": ...} is bytes from here on, once, where it arrives
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
    for (Iterator<String> names = tree.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new BadInputException("unknown field '" + name + "'; a job has " + String.join(", ", new java.util.TreeSet<>(FIELDS)));
      }
    }
    if (tree.has("pipeline")) {
      return pipeline(tree, limits);
    }
    JsonNode job = tree.get("job");
    if (job == null || !job.isTextual() || job.asText().isBlank()) {
      throw new BadInputException("\"job\" must name a job, e.g. {\"job\": \"square\", \"params\": {\"x\": 12}}");
    }
    JsonNode params = tree.get("params");
    if (params != null && !params.isNull() && !params.isObject()) {
      throw new BadInputException("\"params\" must be a JSON object of name: value");
    }
    ObjectNode shared = params == null || params.isNull() ? Json.object() : (ObjectNode) params;
    return new SubmitRequest(job.asText(), shared, mapPart(tree, limits), null, options(tree));
  }

  /** The message that hands this submission to the node's JobManager. */
  JobManager.Command command(ActorRef<JobProtocol.SubmitReply> replyTo) {
    if (pipeline != null) {
      return new JobProtocol.SubmitPipeline(pipeline, map == null ? null : map.elements(), map == null ? null : map.reduce(),
          map != null && map.failFast(), options, replyTo);
    }
    return map == null
        ? new JobProtocol.Submit(job, params, options, replyTo)
        : new JobProtocol.SubmitMap(job, params, map.elements(), map.chunk(), map.reduce(), map.failFast(), options, replyTo);
  }

  private static SubmitRequest pipeline(JsonNode tree, SubmitLimits limits) {
    if (tree.has("job") || tree.has("params") || tree.has("chunk") || tree.has("on")) {
      throw new BadInputException("a pipeline gives each step's job and params in \"pipeline\" and runs each where its kind says; drop job, params, chunk and on");
    }
    JobOptions options = options(tree);
    JsonNode list = tree.get("pipeline");
    if (!list.isArray() || list.isEmpty()) {
      throw new BadInputException("pipeline must be a list of steps like [{\"job\": \"read-file\", \"params\": {\"path\": \"a.txt\"}}, {\"job\": \"wordcount\"}]");
    }
    limits.checkSteps(list.size());
    List<JobProtocol.PipelineStep> steps = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode step = list.get(i);
      JsonNode job = step.get("job");
      JsonNode params = step.get("params");
      if (!step.isObject() || job == null || !job.isTextual() || job.asText().isBlank()
          || (params != null && !params.isNull() && !params.isObject())) {
        throw new BadInputException("pipeline step " + (i + 1) + " must be {\"job\": name, \"params\": {...}}, not " + step);
      }
      steps.add(new JobProtocol.PipelineStep(job.asText(), params == null || params.isNull() ? Json.object() : (ObjectNode) params));
    }
    MapPart map = mapPart(tree, limits);
    if (map != null && map.elements() instanceof UploadedElements) {
      throw new BadInputException("a pipeline takes its inputs in the submission (inputs as a list, range or values);"
          + " \"inputs\": \"upload\" goes with a map");
    }
    return new SubmitRequest(null, null, map, steps, options);
  }

  private static JobOptions options(JsonNode tree) {
    JsonNode on = tree.get("on");
    if (on != null && !on.isTextual()) {
      throw new BadInputException("on must be \"threads\" or \"processes\"");
    }
    JsonNode timeout = tree.get("timeout");
    Duration limit = null;
    if (timeout != null && !timeout.isNull()) {
      if (timeout.isIntegralNumber()) {
        limit = timeoutMillis(timeout);
      } else if (timeout.isTextual()) {
        limit = JobOptions.parseDuration(timeout.asText());
      } else {
        throw new BadInputException("timeout is milliseconds or text like \"30s\", not " + timeout);
      }
    }
    JsonNode retries = tree.get("retries");
    if (retries != null && !(retries.isIntegralNumber() && retries.canConvertToInt() && retries.asInt() >= 0
        && retries.asInt() <= JobOptions.MAX_RETRIES)) {
      throw new BadInputException("retries must be a whole number from 0 to " + JobOptions.MAX_RETRIES + ", not " + retries);
    }
    JsonNode retryOnError = tree.get("retryOnError");
    if (retryOnError != null && !retryOnError.isBoolean()) {
      throw new BadInputException("retryOnError must be true or false");
    }
    return new JobOptions(Placement.parse(on == null ? null : on.asText()), limit,
        retries == null ? null : retries.asInt(), retryOnError != null && retryOnError.asBoolean());
  }

  private static MapPart mapPart(JsonNode tree, SubmitLimits limits) {
    int sources = (tree.has("inputs") ? 1 : 0) + (tree.has("range") ? 1 : 0) + (tree.has("values") ? 1 : 0);
    if (sources == 0) {
      if (tree.has("chunk") || tree.has("reduce") || tree.has("failFast")) {
        throw new BadInputException("chunk, reduce and failFast go with a map: give inputs, range or values too");
      }
      return null;
    }
    if (sources > 1) {
      throw new BadInputException("a map takes one of inputs, range or values, not several");
    }
    JsonNode reduce = tree.get("reduce");
    if (reduce != null && !reduce.isTextual()) {
      throw new BadInputException("reduce must be one of sum, min, max, count, concat");
    }
    Reduce folding = reduce == null ? null : Reduce.parse(reduce.asText());
    List<ObjectNode> elements = tree.has("inputs") ? inputs(tree.get("inputs"), limits)
        : tree.has("range") ? range(tree.get("range"))
        : values(tree.get("values"), limits);
    JsonNode chunk = tree.get("chunk");
    if (chunk != null && (!chunk.canConvertToInt() || !chunk.isIntegralNumber() || chunk.asInt() < 1 || chunk.asInt() > 1_000_000)) {
      throw new BadInputException("chunk (elements per task) must be a whole number from 1 to 1000000, not " + chunk
          + "; leave it out and the node picks one");
    }
    JsonNode failFast = tree.get("failFast");
    if (failFast != null && !failFast.isBoolean()) {
      throw new BadInputException("failFast must be true or false");
    }
    return new MapPart(elements, chunk == null ? 0 : chunk.asInt(), folding,
        failFast != null && failFast.asBoolean());
  }

  private static List<ObjectNode> inputs(JsonNode inputs, SubmitLimits limits) {
    if (inputs.isTextual() && inputs.asText().equals("upload")) {
      return UploadedElements.LATER; // PUT /jobs/{id}/inputs brings them
    }
    if (!inputs.isArray()) {
      throw new BadInputException("inputs must be a list of parameter objects, or \"upload\" to send them as JSON lines"
          + " with PUT /jobs/{id}/inputs once the map is accepted");
    }
    limits.checkElements("inputs", inputs.size());
    List<ObjectNode> out = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      if (!inputs.get(i).isObject()) {
        throw new BadInputException("inputs[" + i + "] must be an object of parameters, not " + inputs.get(i));
      }
      out.add((ObjectNode) inputs.get(i));
    }
    return out;
  }

  /**
   * The elements from, from + step, ... up to to, as a list that makes each only when asked (the
   * node never expands a range). The count is worked out exactly (the ends may be Long.MIN_VALUE
   * and Long.MAX_VALUE, where {@code to - from} overflows). A range map holds only its chunks in
   * flight and, unless its results fold, the results not yet read (a large one streams them), so
   * it may be of any size a list can count.
   */
  private static List<ObjectNode> range(JsonNode range) {
    String key = key(range, "range");
    long from = whole(range, "from");
    long to = whole(range, "to");
    long step = range.has("step") ? whole(range, "step") : 1;
    if (step < 1) {
      throw new BadInputException("range step must be a whole number of 1 or more (the range counts upwards from from to to), not " + step);
    }
    if (to < from) {
      throw new BadInputException("range must go upwards: from " + from + " is above to " + to + "; swap them");
    }
    BigInteger count = BigInteger.valueOf(to).subtract(BigInteger.valueOf(from))
        .divide(BigInteger.valueOf(step)).add(BigInteger.ONE);
    if (count.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0) {
      throw new BadInputException("range has " + count + " elements; a map takes at most " + Integer.MAX_VALUE
          + ": narrow it or raise its step, or split it into several maps");
    }
    return new RangeElements(key, from, step, count.intValueExact());
  }

  private static List<ObjectNode> values(JsonNode values, SubmitLimits limits) {
    String key = key(values, "values");
    JsonNode list = values.get("values");
    if (list == null || !list.isArray()) {
      throw new BadInputException("values needs {\"key\": ..., \"values\": [...]}");
    }
    limits.checkElements("values", list.size());
    List<ObjectNode> out = new ArrayList<>(list.size());
    list.forEach(v -> out.add((ObjectNode) Json.object().set(key, v)));
    return out;
  }

  private static String key(JsonNode spec, String what) {
    if (!spec.isObject() || !spec.path("key").isTextual() || spec.path("key").asText().isBlank()) {
      throw new BadInputException(what + " needs a \"key\": the parameter that takes each value");
    }
    return spec.path("key").asText();
  }

  /** A range's end or step: a JSON integer that fits a long; 1.0, 1e3, "5" and 2^63 are refused. */
  private static long whole(JsonNode spec, String field) {
    JsonNode v = spec.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new BadInputException("range needs \"" + field + "\" as a whole number from " + Long.MIN_VALUE + " to "
          + Long.MAX_VALUE + " written without a fraction or exponent, not " + (v == null ? "nothing" : v));
    }
    return v.asLong();
  }

  /** A timeout in milliseconds, checked before it becomes a Duration (whose text for 2^63 ms helps no one). */
  private static Duration timeoutMillis(JsonNode timeout) {
    long most = JobOptions.MAX_TIMEOUT.toMillis();
    if (!timeout.canConvertToLong() || timeout.asLong() < 1 || timeout.asLong() > most) {
      throw new BadInputException("timeout must be from 1 to " + most + " milliseconds (7 days), or text like \"30s\", not "
          + timeout);
    }
    return Duration.ofMillis(timeout.asLong());
  }
}
