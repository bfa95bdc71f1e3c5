package tandem.node.jobs.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.util.List;
import tandem.protocol.job.BadInputException;
import tandem.protocol.job.CpuJob;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.Param;

/** Counts primes below n, or in [from, to), by trial division. */
public final class PrimesJob implements CpuJob {
  /**
   * Trial division below n costs about n^1.5 / (3 ln n) divisions: below 2*10^7 takes 4.6 s here,
   * below 10^10 about ten hours of one core, below 10^12 (the old limit) about a year. A job may
   * hold a worker for a day at most (like spin and sleep), so 10^10 is the bound.
   */
  private static final long LIMIT = 10_000_000_000L;

  @Override
  public String name() {
    return "primes";
  }

  @Override
  public String description() {
    return "count of primes below n, or in [from, to), by trial division";
  }

  @Override
  public List<Param> params() {
    return List.of(
        Param.optionalInteger("n", 0, LIMIT, "count the primes below n"),
        Param.optionalInteger("from", 0, LIMIT, "with to: first number of the range"),
        Param.optionalInteger("to", 0, LIMIT, "with from: end of the range (excluded)"));
  }

  @Override
  public void validate(JobInput input) {
    boolean range = input.has("from") || input.has("to");
    if (input.has("n") == range) {
      throw new BadInputException("primes takes either n=<integer> or from=<integer> to=<integer>");
    }
    if (range && !(input.has("from") && input.has("to"))) {
      throw new BadInputException("primes needs both from= and to=");
    }
    if (range && input.getLong("from") > input.getLong("to")) {
      throw new BadInputException("primes needs from <= to");
    }
  }

  @Override
  public JsonNode compute(JobInput input) throws InterruptedException {
    long from = input.has("n") ? 0 : input.getLong("from");
    long to = input.has("n") ? input.getLong("n") : input.getLong("to");
    return LongNode.valueOf(Primes.count(from, to));
  }
}
