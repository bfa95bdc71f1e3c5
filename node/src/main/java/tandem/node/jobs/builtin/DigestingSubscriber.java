package tandem.node.jobs.builtin;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.net.http.HttpResponse;

/**
 * Reads an HTTP body as it arrives, counting and hashing it; it holds the body only when asked to
 * keep it, and then only up to a cap.
 */
final class DigestingSubscriber implements HttpResponse.BodySubscriber<DigestingSubscriber.Digest> {
  /** What was read: the byte count, the hex SHA-256, and the body when it was kept (else null). */
  record Digest(long bytes, String sha256, byte[] body) {}

  private final MessageDigest sha = Hashing.sha256();
  private final CompletableFuture<Digest> result = new CompletableFuture<>();
  private final ByteArrayOutputStream kept;
  private final long keepUpTo;
  private Flow.Subscription subscription;
  private long bytes;

  /** Counts and hashes only. */
  DigestingSubscriber() {
    this(-1);
  }

  /** @param keepUpTo keep the body, failing once it grows past this many bytes; -1 keeps nothing */
  DigestingSubscriber(long keepUpTo) {
    this.keepUpTo = keepUpTo;
    this.kept = keepUpTo < 0 ? null : new ByteArrayOutputStream();
  }

  @Override
  public CompletionStage<Digest> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer buffer : buffers) {
      bytes += buffer.remaining();
      if (kept != null) {
        if (bytes > keepUpTo) {
          subscription.cancel();
          result.completeExceptionally(ContentMode.tooLarge("the body", bytes, keepUpTo));
          return;
        }
        byte[] copy = new byte[buffer.remaining()];
        buffer.duplicate().get(copy);
        kept.write(copy, 0, copy.length);
      }
      sha.update(buffer);
    }
  }

  @Override
  public void onError(Throwable error) {
    result.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    result.complete(new Digest(bytes, Hashing.hex(sha.digest()), kept == null ? null : kept.toByteArray()));
  }
}
