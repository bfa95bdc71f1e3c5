package tandem.node.logs;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what a job prints to {@code System.out} and {@code System.err} while it runs, for that
 * job only: once installed, both streams write to the {@link Capture} of the thread that writes
 * (the thread running the task) and, on every other thread, where they wrote before. A thread the
 * job starts itself is not captured; its output goes to the process's log.
 */
public final class TaskOutput {
  private TaskOutput() {}

  private static final ThreadLocal<Capture> CURRENT = new ThreadLocal<>();
  private static boolean installed;

  /** Routes this JVM's {@code System.out} and {@code System.err} through captures; once is enough. */
  public static synchronized void install() {
    if (!installed) {
      System.setOut(new PrintStream(new Routed(System.out), true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(new Routed(System.err), true, StandardCharsets.UTF_8));
      installed = true;
    }
  }

  /**
   * From now until {@link Capture#close}, what this thread prints goes to {@code sink}, tagged
   * with the capture's element.
   */
  public static Capture begin(LogSink sink, long element) {
    Capture capture = new Capture(sink, element, CURRENT.get());
    CURRENT.set(capture);
    return capture;
  }

  /**
   * Where one task's output goes, and which element of its chunk runs now. Its {@link JobLogger}
   * writes here too, from any thread.
   */
  public static final class Capture implements AutoCloseable {
    private final LogSink sink;
    private volatile long element;
    private final Capture outer;

    private Capture(LogSink sink, long element, Capture outer) {
      this.sink = sink;
      this.element = element;
      this.outer = outer;
    }

    /** A capture not tied to a thread: only the job's logger writes to it (an I/O job's). */
    public static Capture of(LogSink sink, long element) {
      return new Capture(sink, element, null);
    }

    /** The element of the chunk running now: what is written from here on is its. */
    public void element(long now) {
      element = now;
    }

    void write(byte[] bytes, int offset, int length) {
      sink.write(element, bytes, offset, length);
    }

    /** This thread prints where it did before. */
    @Override
    public void close() {
      if (outer == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(outer);
      }
    }
  }

  /** A process stream that hands each write to the writing thread's capture, if it has one. */
  private static final class Routed extends OutputStream {
    private final OutputStream original;

    Routed(OutputStream original) {
      this.original = original;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      Capture capture = CURRENT.get();
      if (capture != null) {
        capture.write(bytes, offset, length);
      } else {
        synchronized (original) {
          try {
            original.write(bytes, offset, length);
          } catch (java.io.IOException e) {
            // as a PrintStream would: the process's console is gone, and that is not the job's failure
          }
        }
      }
    }

    @Override
    public void flush() throws java.io.IOException {
      if (CURRENT.get() == null) {
        original.flush();
      }
    }
  }
}
