package tandem.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import tandem.launcher.cli.CliException;
import tandem.launcher.cli.ExitCodes;
import tandem.launcher.cli.Table;
import tandem.launcher.client.JobChannel;
import tandem.launcher.client.TandemClient;
import tandem.protocol.api.Json;

/**
 * {@code tandem bench --vs-python}: the lesson's exercise by Tandem and by Python's
 * {@code multiprocessing} in one invocation, one after the other on the same machine, side by
 * side: the CPU workload serially and in as many processes as Tandem has workers, no-op jobs
 * submitted one by one, and a no-op map read in input order.
 */
final class VsPython {
  /**
   * One figure both sides measured.
   *
   * @param higherIsBetter whether more is better (rates), else less (seconds)
   */
  record Side(String figure, String unit, double tandem, double python, String pythonHow, boolean higherIsBetter) {
    /** How many times better Tandem did: above 1, Tandem is ahead. */
    double advantage() {
      return higherIsBetter ? tandem / python : python / tandem;
    }
  }

  private VsPython() {}

  /** How many no-op jobs and map elements each side runs. */
  record Sizes(int jobs, int mapElements) {
    static Sizes of(boolean quick) {
      return quick ? new Sizes(5_000, 100_000) : new Sizes(20_000, 1_000_000);
    }
  }

  /** Tandem's own rates beyond the exercise's rows: jobs one by one, and a map read in order. */
  record TandemRates(double jobsPerSecond, double inOrderPerSecond) {}

  static TandemRates measureTandem(BenchCluster cluster, Sizes sizes, Progress progress) {
    TandemClient client = cluster.client();
    double jobs;
    try (JobChannel channel = client.openChannel().join()) {
      progress.say("jobs: no-op jobs one by one on the job channel, %,d in flight (two rounds to warm up)", NoopJobs.IN_FLIGHT);
      for (int round = 0; round < 2; round++) {
        NoopJobs.perSecond(x -> channel.run("noop", Json.object().put("x", x)), sizes.jobs());
      }
      jobs = NoopJobs.perSecond(x -> channel.run("noop", Json.object().put("x", x)), sizes.jobs());
    }
    progress.say("maps: a no-op map of %,d, every result read in input order", sizes.mapElements());
    ObjectNode map = Json.object();
    map.putObject("range").put("key", "x").put("from", 0).put("to", sizes.mapElements() - 1);
    long start = System.nanoTime();
    String id = client.submitMap("noop", Json.object(), map).join().path("id").asText();
    long read = 0;
    for (Iterator<JsonNode> results = client.inOrder(id).iterator(); results.hasNext(); read++) {
      if (results.next().path("index").asLong(-1) != read) {
        throw new CliException(ExitCodes.JOB_FAILED, "map " + id + ": result " + read + " came out of order");
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (read != sizes.mapElements()) {
      throw new CliException(ExitCodes.JOB_FAILED, "map " + id + " delivered " + read + " of " + sizes.mapElements());
    }
    return new TandemRates(jobs, read / seconds);
  }

  /** The figures side by side, from the exercise's rows, Tandem's rates and Python's run. */
  static List<Side> sides(List<BenchRow> rows, TandemRates tandem, PythonPeer python, int workers, Sizes sizes) {
    BenchRow serial = row(rows, "serial");
    BenchRow processes = row(rows, "processes");
    List<Side> out = new ArrayList<>();
    out.add(new Side("CPU: primes, serially (one thread / one process)", "s", serial.wallSeconds(), python.serialSeconds(),
        "one process", false));
    out.add(new Side("CPU: the same in " + workers + " processes", "s", processes.wallSeconds(), python.poolSeconds(),
        "Pool(" + workers + ").map", false));
    out.add(new Side("CPU speedup, " + workers + " processes over serial", "x", processes.speedup(), python.poolSpeedup(),
        "Pool(" + workers + ").map", true));
    out.add(new Side("no-op jobs submitted one by one", "jobs/s", tandem.jobsPerSecond(), python.applyAsyncPerSecond(),
        "Pool.apply_async", true));
    out.add(new Side("no-op jobs submitted one by one, to threads", "jobs/s", tandem.jobsPerSecond(), python.threadPoolPerSecond(),
        "ThreadPoolExecutor(" + workers + ").submit", true));
    out.add(new Side(String.format("no-op map of %,d, every result in input order", sizes.mapElements()), "elements/s",
        tandem.inOrderPerSecond(), python.imapPerSecond(), String.format("Pool.imap(chunksize=%,d)", python.imapChunksize()), true));
    return out;
  }

  private static BenchRow row(List<BenchRow> rows, String mode) {
    return rows.stream().filter(r -> r.workload().equals("cpu") && r.mode().equals(mode)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no cpu " + mode + " row"));
  }

  static void print(PrintWriter out, PythonPeer python, List<Side> sides) {
    out.println();
    out.println("side by side with Python " + python.python() + " (run right after, on the same machine):");
    Table table = new Table("FIGURE", "TANDEM", "PYTHON", "PYTHON HOW", "TANDEM AHEAD BY");
    for (Side s : sides) {
      table.add(s.figure(), format(s.tandem(), s.unit()), format(s.python(), s.unit()), s.pythonHow(),
          String.format("%.2fx", s.advantage()));
    }
    table.print(out);
    out.println("(above 1.00x Tandem did better; below, Python did)");
    out.flush();
  }

  static void json(ObjectNode report, PythonPeer python, List<Side> sides) {
    ObjectNode vs = report.putObject("vsPython");
    vs.put("python", python.python());
    ArrayNode list = vs.putArray("figures");
    for (Side s : sides) {
      list.addObject().put("figure", s.figure()).put("unit", s.unit()).put("tandem", s.tandem()).put("python", s.python())
          .put("pythonHow", s.pythonHow()).put("tandemAheadBy", s.advantage());
    }
  }

  private static String format(double value, String unit) {
    if (unit.equals("x")) {
      return String.format("%.2fx", value);
    }
    if (unit.equals("s")) {
      return String.format("%.2f s", value);
    }
    return value >= 1e6 ? String.format("%.2fM %s", value / 1e6, unit) : String.format("%,.0f %s", value, unit);
  }
}
