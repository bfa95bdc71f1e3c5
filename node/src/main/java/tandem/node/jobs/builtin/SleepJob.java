package tandem.node.jobs.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import tandem.protocol.job.IoContext;
import tandem.protocol.job.IoJob;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.Param;

/** Waits ms milliseconds on a timer: no thread is held while it waits. */
public final class SleepJob implements IoJob {
  @Override
  public String name() {
    return "sleep";
  }

  @Override
  public String description() {
    return "waits ms milliseconds on a timer (holds no thread)";
  }

  @Override
  public List<Param> params() {
    return List.of(Param.integer("ms", 0, 86_400_000, "how long to wait"));
  }

  @Override
  public CompletionStage<JsonNode> start(JobInput input, IoContext io) {
    long ms = input.getLong("ms");
    return io.after(Duration.ofMillis(ms), LongNode.valueOf(ms));
  }
}
