package tandem.node.journal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import tandem.node.Reduce;
import tandem.node.owner.JobOptions;
import tandem.node.owner.JobProtocol;
import tandem.node.owner.Placement;
import tandem.node.owner.RangeElements;
import tandem.node.owner.UploadedElements;
import tandem.protocol.api.Json;

/**
 * A submission as the journal keeps it to run again: the request {@code POST /jobs} would take
 * for it (a range as its bounds, never its elements; bytes as bytes, since the tree is written
 * with the wire's ValueCodec), which {@code SubmitRequest.of} reads back on the node that takes
 * the job over.
 */
public final class Submission {
  private Submission() {}

  /** The request tree of a submission ({@link JobProtocol.Submit}, {@code SubmitMap} or {@code SubmitPipeline}). */
  public static ObjectNode of(Object submit) {
    ObjectNode out = Json.object();
    if (submit instanceof JobProtocol.Submit s) {
      out.put("job", s.job());
      out.set("params", s.params());
      options(out, s.options());
    } else if (submit instanceof JobProtocol.SubmitMap m) {
      out.put("job", m.job());
      out.set("params", m.shared());
      elements(out, m.elements());
      if (m.chunk() > 0) {
        out.put("chunk", m.chunk());
      }
      map(out, m.reduce(), m.failFast());
      options(out, m.options());
    } else if (submit instanceof JobProtocol.SubmitPipeline p) {
      ArrayNode steps = out.putArray("pipeline");
      for (JobProtocol.PipelineStep step : p.steps()) {
        steps.addObject().put("job", step.job()).set("params", step.params());
      }
      if (p.elements() != null) {
        elements(out, p.elements());
        map(out, p.reduce(), p.failFast());
      }
      options(out, p.options());
    } else {
      throw new IllegalArgumentException("not a submission: " + submit);
    }
    return out;
  }

  /** Why a submission cannot be run again by another node, or null when it can. */
  public static String notReplayable(Object submit) {
    if (submit instanceof JobProtocol.SubmitMap m && m.elements() instanceof UploadedElements) {
      return "its inputs were uploaded to the node that owned it (PUT /jobs/{id}/inputs), and are gone with it;"
          + " submit the map again";
    }
    return null;
  }

  private static void elements(ObjectNode out, List<ObjectNode> elements) {
    if (elements instanceof RangeElements range) {
      ObjectNode spec = out.putObject("range").put("key", range.key()).put("from", range.from()).put("step", range.step());
      spec.put("to", range.from() + (range.size() - 1) * range.step());
    } else if (!(elements instanceof UploadedElements)) {
      ArrayNode inputs = out.putArray("inputs");
      elements.forEach(inputs::add);
    }
  }

  private static void map(ObjectNode out, Reduce reduce, boolean failFast) {
    if (reduce != null) {
      out.put("reduce", reduce.label());
    }
    if (failFast) {
      out.put("failFast", true);
    }
  }

  private static void options(ObjectNode out, JobOptions options) {
    if (options.on() == Placement.THREADS) {
      out.put("on", "threads");
    } else if (options.on() == Placement.PROCESSES) {
      out.put("on", "processes");
    }
    if (options.timeout() != null) {
      out.put("timeout", options.timeout().toMillis());
    }
    if (options.retries() != null) {
      out.put("retries", options.retries());
    }
    if (options.retryOnError()) {
      out.put("retryOnError", true);
    }
  }
}
