package tandem.node.owner;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.time.Instant;
import tandem.protocol.api.BytesJson;
import tandem.protocol.api.Json;

/** A job as users see it over HTTP and with {@code --json}. */
public final class JobJson {
  private JobJson() {}

  public static ObjectNode of(JobRecord job, long nowNanos) {
    ObjectNode out = Json.object();
    out.put("id", job.id());
    out.put("job", job.job());
    out.put("kind", job.pipeline() != null ? "pipeline" : job.kind().label());
    out.set("params", BytesJson.shown(job.params(), false));
    out.put("state", job.state().label());
    if (job.result() == null) {
      out.putNull("result");
    } else {
      // Spliced in as written: a large result is not parsed again only to be written out.
      out.putRawValue("result", new RawValue(job.result()));
    }
    if (job.bytes() != null) {
      out.put("resultType", "bytes"); // the result above is the bytes' JSON view; GET /jobs/{id}/result has them raw
    }
    out.put("error", job.error());
    out.put("owner", job.owner());
    ranOn(out, job.ranOn());
    out.put("attempts", job.attempts());
    if (job.recovered() > 0) {
      out.put("recovered", job.recovered()); // taken over from the journal this often, after its owner left
    }
    JobOptions options = job.options();
    ObjectNode how = out.putObject("options");
    how.put("on", options.on() == Placement.BY_KIND ? "kind" : options.on().name().toLowerCase(java.util.Locale.ROOT));
    if (options.timeout() == null) {
      how.putNull("timeoutMs");
    } else {
      how.put("timeoutMs", options.timeout().toMillis());
    }
    how.put("retries", options.retries());
    how.put("retryOnError", options.retryOnError());
    MapView map = job.map();
    if (job.parent() != 0) {
      // a step of a pipeline: ids are <node tag>-<sequence>, and the pipeline has the same owner
      out.put("partOf", job.id().substring(0, job.id().lastIndexOf('-') + 1) + job.parent());
    }
    PipelineView pipeline = job.pipeline();
    if (pipeline != null) {
      var steps = out.putObject("pipeline").putArray("steps");
      for (int i = 0; i < pipeline.jobs().size(); i++) {
        if (i < pipeline.runs().size()) {
          steps.add(step(pipeline.runs().get(i), nowNanos));
        } else if (map != null) {
          steps.addObject().put("job", pipeline.jobs().get(i)); // each element reports its own steps
        } else {
          steps.addObject().put("job", pipeline.jobs().get(i)).put("state", job.state().isFinal() ? "not run" : "waiting");
        }
      }
    }
    if (map != null) {
      ObjectNode m = out.putObject("map");
      m.put("total", map.total());
      m.put("done", map.done());
      m.put("failed", map.failed());
      m.put("chunk", map.chunk());
      m.put("reduce", map.reduce() == null ? null : map.reduce().label());
      if (map.streamed()) {
        m.put("streamed", true); // its results were read through GET /jobs/{id}/results, not kept here
      }
      if (map.receiving()) {
        m.put("receiving", true); // its inputs are still being uploaded: total counts those so far
      }
      var errors = m.putArray("errors");
      map.errors().forEach(e -> errors.addObject().put("index", e.index()).put("error", e.error()));
    }
    out.put("submittedAt", Instant.ofEpochMilli(job.submittedAtMillis()).toString());
    timings(out, job, nowNanos);
    return out;
  }

  /**
   * One step of a pipeline: its job, where it ran and its timings, without its parameters or
   * result (the next step's input, or the pipeline's result).
   */
  static ObjectNode step(JobRecord run, long nowNanos) {
    ObjectNode out = Json.object();
    out.put("job", run.job());
    out.put("kind", run.kind().label());
    out.put("id", run.id());
    out.put("state", run.state().label());
    if (run.error() != null) {
      out.put("error", run.error());
    }
    ranOn(out, run.ranOn());
    timings(out, run, nowNanos);
    return out;
  }

  private static void ranOn(ObjectNode out, RanOn where) {
    if (where == null) {
      out.putNull("ranOn");
    } else {
      ObjectNode ranOn = out.putObject("ranOn");
      ranOn.put("role", where.role());
      ranOn.put("address", where.address());
      ranOn.put("pid", where.pid());
      ranOn.put("thread", where.thread());
    }
  }

  private static void timings(ObjectNode out, JobRecord job, long nowNanos) {
    ObjectNode timings = out.putObject("timings");
    timings.put("queuedMs", job.queuedMs(nowNanos));
    timings.put("runMs", job.runMs());
    timings.put("totalMs", job.totalMs(nowNanos));
  }
}
