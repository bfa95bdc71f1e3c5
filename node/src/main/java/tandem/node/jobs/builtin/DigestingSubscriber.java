package tandem.node.jobs.builtin;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.net.http.HttpResponse;

/** Reads an HTTP body as it arrives, counting and hashing it without ever holding it whole. */
final class DigestingSubscriber implements HttpResponse.BodySubscriber<DigestingSubscriber.Digest> {
  /** What was read: the byte count and the hex SHA-256. */
  record Digest(long bytes, String sha256) {}

  private final MessageDigest sha = Hashing.sha256();
  private final CompletableFuture<Digest> result = new CompletableFuture<>();
  private long bytes;

  @Override
  public CompletionStage<Digest> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    for (ByteBuffer buffer : buffers) {
      bytes += buffer.remaining();
      sha.update(buffer);
    }
  }

  @Override
  public void onError(Throwable error) {
    result.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    result.complete(new Digest(bytes, Hashing.hex(sha.digest())));
  }
}
