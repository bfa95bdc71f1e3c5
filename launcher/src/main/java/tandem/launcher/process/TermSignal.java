package tandem.launcher.process;

import sun.misc.Signal;

/**
 * SIGTERM as a request to stop gracefully: the process runs its coordinated shutdown (a node
 * drains its jobs first) and then exits with 0, where the JVM's own handling would exit 143.
 */
public final class TermSignal {
  private TermSignal() {}

  /** Runs {@code stop} on SIGTERM instead of the JVM's default; no-op where signals are unknown. */
  public static void onTerm(Runnable stop) {
    try {
      Signal.handle(new Signal("TERM"), signal -> stop.run());
    } catch (IllegalArgumentException unsupported) {
      // not on this platform: the JVM's shutdown hook still runs the coordinated shutdown
    }
  }
}
