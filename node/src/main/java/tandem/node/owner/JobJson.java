package tandem.node.owner;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.time.Instant;
import tandem.node.Json;

/** A job as users see it over HTTP and with {@code --json}. */
public final class JobJson {
  private JobJson() {}

  public static ObjectNode of(JobRecord job, long nowNanos) {
    ObjectNode out = Json.object();
    out.put("id", job.id());
    out.put("job", job.job());
    out.put("kind", job.kind().label());
    out.set("params", job.params());
    out.put("state", job.state().label());
    if (job.result() == null) {
      out.putNull("result");
    } else {
      // Spliced in as written: a large result is not parsed again only to be written out.
      out.putRawValue("result", new RawValue(job.result()));
    }
    out.put("error", job.error());
    out.put("owner", job.owner());
    RanOn where = job.ranOn();
    if (where == null) {
      out.putNull("ranOn");
    } else {
      ObjectNode ranOn = out.putObject("ranOn");
      ranOn.put("role", where.role());
      ranOn.put("address", where.address());
      ranOn.put("pid", where.pid());
      ranOn.put("thread", where.thread());
    }
    out.put("attempts", job.attempts());
    MapView map = job.map();
    if (map != null) {
      ObjectNode m = out.putObject("map");
      m.put("total", map.total());
      m.put("done", map.done());
      m.put("failed", map.failed());
      m.put("chunk", map.chunk());
      m.put("reduce", map.reduce() == null ? null : map.reduce().label());
      var errors = m.putArray("errors");
      map.errors().forEach(e -> errors.addObject().put("index", e.index()).put("error", e.error()));
    }
    out.put("submittedAt", Instant.ofEpochMilli(job.submittedAtMillis()).toString());
    ObjectNode timings = out.putObject("timings");
    timings.put("queuedMs", job.queuedMs(nowNanos));
    timings.put("runMs", job.runMs());
    timings.put("totalMs", job.totalMs(nowNanos));
    return out;
  }
}
