package tandem.node.downing;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Tells a dead process from a silent one: a connection to its cluster port that the host refuses
 * (a TCP reset) means nothing listens there any more. A paused process still accepts (its kernel
 * does), and one behind a network cut never answers; both read as "not refused". Asynchronous, so
 * no thread waits on it.
 */
final class PortProbe {
  private PortProbe() {}

  /** Completes with true when the connection was refused, false otherwise (accepted, timed out, unknown). */
  static CompletableFuture<Boolean> probe(String host, int port, Duration timeout) {
    CompletableFuture<Boolean> refused = new CompletableFuture<>();
    if (host.isEmpty() || port <= 0) {
      refused.complete(false);
      return refused;
    }
    AsynchronousSocketChannel channel;
    try {
      channel = AsynchronousSocketChannel.open();
    } catch (IOException e) {
      refused.complete(false);
      return refused;
    }
    channel.connect(new InetSocketAddress(host, port), null, new CompletionHandler<Void, Void>() {
      @Override
      public void completed(Void result, Void attachment) {
        refused.complete(false);
        closeQuietly(channel);
      }

      @Override
      public void failed(Throwable e, Void attachment) {
        refused.complete(e instanceof ConnectException);
        closeQuietly(channel);
      }
    });
    // Closing the channel fails the pending connect, which completes the probe as not refused.
    CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
      if (refused.complete(false)) {
        closeQuietly(channel);
      }
    });
    return refused;
  }

  private static void closeQuietly(AsynchronousSocketChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // a probe's socket; nothing to do
    }
  }
}
