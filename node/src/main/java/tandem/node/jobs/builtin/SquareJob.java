package tandem.node.jobs.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.util.List;
import tandem.protocol.job.CpuJob;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.Param;

/** x squared: the smallest CPU job, for measuring overheads. */
public final class SquareJob implements CpuJob {
  private static final long LIMIT = 3_037_000_499L; // the largest x whose square fits a long

  @Override
  public String name() {
    return "square";
  }

  @Override
  public String description() {
    return "x squared (almost no work: shows the cost of a round trip)";
  }

  @Override
  public List<Param> params() {
    return List.of(Param.integer("x", -LIMIT, LIMIT, "the number to square"));
  }

  @Override
  public JsonNode compute(JobInput input) {
    long x = input.getLong("x");
    return LongNode.valueOf(x * x);
  }
}
