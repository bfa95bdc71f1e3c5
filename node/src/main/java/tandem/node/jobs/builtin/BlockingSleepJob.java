package tandem.node.jobs.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.util.List;
import tandem.protocol.job.BlockingJob;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.Param;

/**
 * The lesson's {@code time.sleep}: {@code Thread.sleep(ms)}, blocking the thread that runs it. On
 * a node on JDK 21 or later that is a virtual thread, so ten thousand of them wait at once on a
 * handful of platform threads; compare {@code sleep}, which waits on a timer and holds no thread.
 */
public final class BlockingSleepJob implements BlockingJob {
  @Override
  public String name() {
    return "sleep-blocking";
  }

  @Override
  public String description() {
    return "Thread.sleep(ms), blocking its own thread (a virtual one on JDK 21+); ms";
  }

  @Override
  public List<Param> params() {
    return List.of(Param.integer("ms", 0, 86_400_000, "how long to block"));
  }

  @Override
  public JsonNode call(JobInput input) throws InterruptedException {
    long ms = input.getLong("ms");
    Thread.sleep(ms);
    return LongNode.valueOf(ms);
  }
}
