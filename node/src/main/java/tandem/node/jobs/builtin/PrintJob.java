package tandem.node.jobs.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.util.List;
import tandem.protocol.job.CpuJob;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.Param;

/**
 * Prints text to {@code System.out} lines times, a pause apart, then logs a line through its
 * logger, and fails after it when asked: a job to see a job's own logs with ({@code tandem logs ID}).
 */
public final class PrintJob implements CpuJob {
  @Override
  public String name() {
    return "print";
  }

  @Override
  public String description() {
    return "prints text lines times to standard output (pause ms apart), logs that it did, and fails when fail=true:"
        + " its output is the job's log (tandem logs ID)";
  }

  @Override
  public List<Param> params() {
    return List.of(
        Param.optionalString("text", "what to print on each line (default: hello)"),
        Param.optionalInteger("lines", 0, 10_000_000, "how many lines (default 1)"),
        Param.optionalInteger("pause", 0, 60_000, "milliseconds between lines (default 0)"),
        Param.optionalBoolean("fail", "fail after printing, with a line on standard error"));
  }

  @Override
  public JsonNode compute(JobInput input) throws InterruptedException {
    String text = input.has("text") ? input.getString("text") : "hello";
    long lines = input.getLong("lines", 1);
    long pause = input.getLong("pause", 0);
    for (long i = 1; i <= lines; i++) {
      System.out.println(text + " " + i);
      if (pause > 0 && i < lines) {
        Thread.sleep(pause);
      } else if ((i & 0xFFF) == 0 && Thread.interrupted()) {
        throw new InterruptedException("interrupted after " + i + " lines");
      }
    }
    input.log().info("printed {} lines of '{}'", lines, text);
    if (input.getBoolean("fail", false)) {
      System.err.println("giving up, as asked");
      throw new IllegalStateException("failed on purpose after " + lines + " lines (fail=true)");
    }
    return LongNode.valueOf(lines);
  }
}
