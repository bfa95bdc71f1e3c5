package tandem.launcher.process;

import java.io.IOException;
import java.io.InputStream;

/**
 * Ends a worker the moment the node that started it is gone. The node holds the write end of the
 * worker's standard input; the kernel closes it when the node dies for any reason, even
 * {@code kill -9}, and the read here sees end-of-file within milliseconds.
 */
public final class ParentWatch {
  private ParentWatch() {}

  public static void start(InputStream stdin) {
    Thread watcher = new Thread(() -> {
      try {
        while (stdin.read() >= 0) {
          // the node never writes; anything read is ignored
        }
      } catch (IOException e) {
        // a broken pipe means the same as end-of-file
      }
      System.err.println("tandem worker: the node that started this worker is gone; exiting");
      Runtime.getRuntime().halt(0);
    }, "tandem-parent-watch");
    watcher.setDaemon(true);
    watcher.start();
  }
}
