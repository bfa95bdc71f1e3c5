package tandem.node.jobs.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.List;
import tandem.protocol.job.CpuJob;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.Param;

/** Gives x back unchanged: no work at all, so what is measured is the system's own cost per task. */
public final class NoopJob implements CpuJob {
  @Override
  public String name() {
    return "noop";
  }

  @Override
  public String description() {
    return "x back unchanged (no work: the cost of a task itself, as the peers' noop(x))";
  }

  @Override
  public List<Param> params() {
    return List.of(Param.optionalInteger("x", Long.MIN_VALUE, Long.MAX_VALUE, "any whole number"));
  }

  @Override
  public JsonNode compute(JobInput input) {
    return input.has("x") ? LongNode.valueOf(input.getLong("x")) : NullNode.getInstance();
  }
}
