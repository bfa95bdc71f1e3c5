package tandem.node.http;

import com.typesafe.config.Config;
import java.math.BigInteger;
import tandem.node.NodeSettings;
import tandem.protocol.job.BadInputException;

/**
 * The sizes one submission may declare, each checked before anything of that size is made: a
 * map's elements, a pipeline's steps, and the JSON values of a body as a whole. Every refusal names
 * the field, the limit, the setting behind it and what to do instead.
 *
 * @param maxMapElements tandem.jobs.max-map-elements
 * @param maxQueued tandem.jobs.max-queued: a map larger than this could never be accepted, so it is
 *     refused as too large (400) rather than as busy (503, "try again later")
 * @param maxPipelineSteps tandem.jobs.max-pipeline-steps
 * @param maxJsonValues tandem.http.max-json-values
 */
record SubmitLimits(int maxMapElements, int maxQueued, int maxPipelineSteps, long maxJsonValues) {

  static SubmitLimits create(NodeSettings settings, Config config) {
    return new SubmitLimits(settings.maxMapElements(), settings.maxQueued(),
        config.getInt("tandem.jobs.max-pipeline-steps"), config.getLong("tandem.http.max-json-values"));
  }

  /** The most elements one map may have on this node. */
  int mapElements() {
    return Math.min(maxMapElements, maxQueued);
  }

  /** Refuses {@code count} elements in {@code field} (inputs, range, values) when they are too many. */
  void checkElements(String field, long count) {
    checkElements(field, BigInteger.valueOf(count));
  }

  /** The same for a count that may not fit a long (a range from Long.MIN_VALUE to Long.MAX_VALUE). */
  void checkElements(String field, BigInteger count) {
    if (count.compareTo(BigInteger.valueOf(mapElements())) > 0) {
      throw tooManyElements(field, count.toString());
    }
  }

  /** The refusal for {@code field} holding {@code count} elements ("more than N" when not counted to the end). */
  BadInputException tooManyElements(String field, String count) {
    String setting = maxMapElements <= maxQueued
        ? "tandem.jobs.max-map-elements"
        : "tandem.jobs.max-queued, the most elements this node holds at once";
    return new BadInputException(field + " has " + count + " elements; a map on this node takes at most " + mapElements()
        + " (" + setting + "): narrow it" + ("range".equals(field) ? " or raise its step" : "")
        + ", or split it into several maps" + ("range".equals(field)
            ? "; a range whose results fold (reduce sum, min, max or count) may have any size" : ""));
  }

  void checkSteps(int steps) {
    if (steps > maxPipelineSteps) {
      throw tooManySteps(String.valueOf(steps));
    }
  }

  BadInputException tooManySteps(String steps) {
    return new BadInputException("pipeline has " + steps + " steps; a pipeline takes at most " + maxPipelineSteps
        + " (tandem.jobs.max-pipeline-steps): join steps into fewer, or run it as several pipelines");
  }

  BadInputException tooManyJsonValues() {
    return new BadInputException("the request holds more than " + maxJsonValues
        + " JSON values (tandem.http.max-json-values), more than this node parses at once: send fewer inputs or"
        + " smaller parameters per request");
  }
}
