package tandem.launcher.bench;

import java.io.PrintWriter;

/** What a benchmark is doing, line by line on standard error, so standard output stays the report. */
record Progress(PrintWriter err) {
  void say(String format, Object... args) {
    err.printf("bench: " + format + "%n", args);
    err.flush();
  }
}
