package tandem.launcher.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import tandem.launcher.cli.Table;
import tandem.protocol.api.Json;

/** The exercise's table for people, its JSON for machines, and a line saying what it means. */
final class ExerciseReport {
  private ExerciseReport() {}

  static void print(PrintWriter out, String setting, List<BenchRow> rows) {
    out.println(setting);
    Table table = new Table("WORKLOAD", "MODE", "RAN ON", "WALL", "SPEEDUP", "CPU", "ALL CPU", "THREADS", "RSS", "WHERE");
    for (BenchRow r : rows) {
      ProcessSampler.Usage u = r.usage();
      table.add(r.workload(), r.mode(), r.ranOn(), String.format("%.2f s", r.wallSeconds()), String.format("%.2fx", r.speedup()),
          u.known() ? String.format("%.2f s", u.cpu().toNanos() / 1e9) : "-",
          Double.isNaN(r.clusterCpuSeconds()) ? "-" : String.format("%.2f s", r.clusterCpuSeconds()), u.known() ? u.threads() : "-",
          u.known() ? megabytes(u.rssBytes()) : "-", r.where());
    }
    table.print(out);
    out.println();
    out.println(meaning(rows));
    out.flush();
  }

  static ObjectNode json(String setting, List<BenchRow> rows) {
    ObjectNode out = Json.object();
    out.put("setting", setting);
    ArrayNode list = out.putArray("rows");
    for (BenchRow r : rows) {
      ObjectNode row = list.addObject()
          .put("workload", r.workload()).put("mode", r.mode()).put("where", r.where()).put("ranOn", r.ranOn())
          .put("wallSeconds", round(r.wallSeconds())).put("speedup", round(r.speedup()));
      ProcessSampler.Usage u = r.usage();
      if (u.known()) {
        row.put("cpuSeconds", round(u.cpu().toNanos() / 1e9)).put("peakThreads", u.threads()).put("peakRssBytes", u.rssBytes())
            .put("clusterCpuSeconds", round(r.clusterCpuSeconds()));
      } else {
        row.putNull("cpuSeconds").putNull("peakThreads").putNull("peakRssBytes");
      }
    }
    out.put("meaning", meaning(rows));
    return out;
  }

  /** What the numbers say, in the lesson's terms, with this run's figures in it. */
  static String meaning(List<BenchRow> rows) {
    BenchRow cpuThreads = find(rows, "cpu", "threads");
    BenchRow cpuProcesses = find(rows, "cpu", "processes");
    BenchRow ioNode = find(rows, "io", "threads");
    BenchRow ioProcesses = find(rows, "io", "processes");
    return String.format(
        "The JVM has no GIL, so CPU work speeds up on threads (%.2fx) about as much as in processes (%.2fx); what processes "
            + "add is isolation (a crash or an out-of-memory takes one worker, not the node), killability (a stuck job is "
            + "ended by killing its process) and scale-out (workers on other machines). I/O waits need no thread at all: on "
            + "the node they ran %.2fx faster than one by one, while in worker processes each wait holds a thread (%.2fx).",
        cpuThreads.speedup(), cpuProcesses.speedup(), ioNode.speedup(), ioProcesses.speedup());
  }

  private static BenchRow find(List<BenchRow> rows, String workload, String mode) {
    return rows.stream().filter(r -> r.workload().equals(workload) && r.mode().equals(mode)).findFirst().orElseThrow();
  }

  static String megabytes(long bytes) {
    return String.format("%.0f MB", bytes / 1e6);
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
