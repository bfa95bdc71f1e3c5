package tandem.launcher.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tandem.launcher.client.TandemClient;

/**
 * Runs the built distribution's {@code bin/tandem} as real processes and remembers every process
 * it started, so {@link #killAll} can end them (and their children) whether a test passed or not.
 */
final class Dist implements AutoCloseable {
  /** Every Tandem JVM in tests checks that each message it sends would survive the wire. */
  static final String JAVA_OPTS = "-Dpekko.actor.serialize-messages=on";

  private final Path bin = Path.of(System.getProperty("tandem.dist", "target/tandem"), "bin", "tandem").toAbsolutePath();
  private final List<ProcessHandle> started = new ArrayList<>();
  private final Path work;

  Dist() throws IOException {
    this.work = Files.createTempDirectory("tandem-it");
  }

  Path work() {
    return work;
  }

  /** A long-running process (node, worker) whose output goes to a file. */
  Background start(String name, String... args) throws IOException {
    return start(name, Map.of(), args);
  }

  /** Like {@link #start(String, String...)}, with these environment variables besides. */
  Background start(String name, Map<String, String> env, String... args) throws IOException {
    Path log = work.resolve(name + ".log");
    ProcessBuilder pb = builder(List.of(args), work);
    pb.environment().putAll(env);
    Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    started.add(p.toHandle());
    return new Background(p, log);
  }

  /** A command that ends: its exit code and output. */
  Result run(Path cwd, Map<String, String> env, String... args) throws Exception {
    ProcessBuilder pb = builder(List.of(args), cwd);
    pb.environment().putAll(env);
    Path out = Files.createTempFile(work, "out", ".txt");
    Path err = Files.createTempFile(work, "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    started.add(p.toHandle());
    if (!p.waitFor(150, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("tandem " + String.join(" ", args) + " did not finish; stderr: " + Files.readString(err));
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  Result run(String... args) throws Exception {
    return run(work, Map.of(), args);
  }

  private ProcessBuilder builder(List<String> args, Path cwd) {
    List<String> command = new ArrayList<>();
    command.add(bin.toString());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
    Map<String, String> env = new HashMap<>(pb.environment());
    env.remove("TANDEM_URL");
    env.remove("TANDEM_TOKEN");
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.environment().put("TANDEM_JAVA_OPTS", JAVA_OPTS);
    return pb;
  }

  /** A node a test started with {@link #node}: its HTTP URL and a client for it. */
  record Node(String url, tandem.launcher.client.TandemClient client) {}

  /**
   * {@code tandem node} on free ports with {@code workers} worker processes (and {@code more}
   * options), once it counts them all.
   */
  Node node(String name, int workers, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("node", "--port", "0", "--http-port", "0", "--workers", String.valueOf(workers)));
    args.addAll(List.of(more));
    Background started = start(name, args.toArray(String[]::new));
    String url = started.await(java.util.regex.Pattern.compile("http (http://\\S+),"), Duration.ofSeconds(60)).group(1);
    var client = new tandem.launcher.client.TandemClient(java.net.URI.create(url));
    awaitWorkers(client, workers, Duration.ofSeconds(60));
    return new Node(url, client);
  }

  /** Waits until the node counts {@code count} workers, or fails saying what it counts. */
  static void awaitWorkers(TandemClient client, int count, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (client.health().join().path("workers").asInt() != count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not " + count + " workers within " + limit + ": " + client.health().join());
      }
      Thread.sleep(100);
    }
  }

  /** Ends every process this started, its children, and any extra ones named (e.g. from 'up'). */
  void killAll(List<Long> extraPids) {
    List<ProcessHandle> all = new ArrayList<>(started);
    extraPids.forEach(pid -> ProcessHandle.of(pid).ifPresent(all::add));
    List<ProcessHandle> withChildren = all.stream()
        .flatMap(p -> Stream.concat(p.descendants(), Stream.of(p))).toList();
    withChildren.forEach(ProcessHandle::destroyForcibly);
    withChildren.forEach(p -> p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> p).join());
  }

  @Override
  public void close() {
    killAll(List.of());
  }

  record Result(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  /** A process started by {@link #start}. */
  record Background(Process process, Path log) {
    /** Waits for a line of its output to match, and returns the match. */
    Matcher await(Pattern pattern, Duration limit) throws Exception {
      long deadline = System.nanoTime() + limit.toNanos();
      while (System.nanoTime() < deadline) {
        String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        Matcher m = pattern.matcher(text);
        if (m.find()) {
          return m;
        }
        if (!process.isAlive()) {
          throw new AssertionError("process exited with " + process.exitValue() + "; output:\n" + text);
        }
        Thread.sleep(100);
      }
      throw new AssertionError("no line matching " + pattern + " within " + limit + "; output:\n" + Files.readString(log));
    }

    long pid() {
      return process.pid();
    }
  }

  /** True once the process is gone or a zombie its dead parent left for init to reap. */
  static boolean gone(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String state = stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      return state.equals("Z") || state.equals("X");
    } catch (IOException e) {
      return true;
    }
  }

}
