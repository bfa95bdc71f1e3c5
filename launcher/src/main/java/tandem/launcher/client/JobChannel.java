package tandem.launcher.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import tandem.protocol.api.Json;

/**
 * Many jobs over one connection: the node's {@code /jobs/stream} WebSocket. Each {@link #run} sends
 * one job, tagged, and completes once the node answers with the job final; any number may be on
 * their way at once, with no HTTP request each. The answer is {@code {id, state, result}}, or
 * {@code error} in place of {@code result} when the job did not succeed; {@link
 * TandemClient#job} has the whole record.
 *
 * <p>The socket takes one message at a time, so jobs submitted while it is busy go together in
 * the next message, one per line. While other jobs are on their way (the node is busy anyway), a
 * job waits up to {@link #LINGER_NANOS} for company; a job alone goes at once. Thread-safe; open
 * one per program with {@link TandemClient#openChannel()} and close it when done.
 */
public final class JobChannel implements AutoCloseable {
  /** Where a message stops taking more queued jobs: well below a node's body limit. */
  private static final int MESSAGE_CHARS = 256 * 1024;
  /**
   * How long a message may wait for more jobs while others are on their way. A message costs the
   * node about as much as the first twenty jobs in it, and a busy node answers in a millisecond
   * or more, so the wait is lost in the queue.
   */
  static final long LINGER_NANOS = 200_000;
  /** Enough jobs to send without waiting for more. */
  private static final int FULL = 64;
  private final URI url;
  private final Map<Long, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
  private final AtomicLong tags = new AtomicLong();
  /** Messages not yet handed to the socket, which takes one send at a time. */
  private final ConcurrentLinkedQueue<String> outbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean sending = new AtomicBoolean();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean lingerScheduled = new AtomicBoolean();
  /** Set when a linger ran out: the next send goes whatever it holds. */
  private volatile boolean lingerDue;
  private final ScheduledExecutorService lingerer = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread thread = new Thread(task, "tandem-job-channel");
    thread.setDaemon(true);
    return thread;
  });
  private volatile WebSocket socket;
  /** Why the channel no longer works, or null while it does. */
  private volatile RuntimeException broken;

  /** Each accepted job's id by its tag, until it is answered: what to wait for elsewhere should the node die. */
  private final Map<Long, String> ids = new ConcurrentHashMap<>();
  /** The client that opened this channel, which knows the cluster's other nodes. */
  private final TandemClient client;

  private JobChannel(URI url, TandemClient client) {
    this.url = url;
    this.client = client;
  }

  static CompletableFuture<JobChannel> open(HttpClient http, URI base, String how, String token, TandemClient client) {
    // ids: the node says each job's id once accepted, in one line per message of jobs.
    URI url = URI.create(base.toString().replaceFirst("^http", "ws").replaceAll("/+$", "") + "/jobs/stream?ids=true");
    JobChannel channel = new JobChannel(url, client);
    WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(3));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder
        .buildAsync(url, channel.new Listener())
        .handle((socket, error) -> {
          if (error != null) {
            Throwable cause = error.getCause() != null ? error.getCause() : error;
            if (cause instanceof WebSocketHandshakeException refused) {
              int status = refused.getResponse().statusCode();
              throw new TandemException(status, status == 401
                  ? "the node asks for its token: set TANDEM_TOKEN (or give TandemClient one) to its tandem.http.token"
                  : "the node refused the job stream with HTTP " + status);
            }
            throw new UnreachableException(base, how, cause, false);
          }
          channel.socket = socket;
          return channel;
        });
  }

  /** Runs a job; the future holds it once final, or fails with a {@link TandemException} when the node refused it. */
  public CompletableFuture<JsonNode> run(String job, ObjectNode params) {
    return run(job, params, null);
  }

  /** Like {@link #run(String, ObjectNode)}, with options as {@code POST /jobs} takes them ({@code on}, {@code timeout}, ...). */
  public CompletableFuture<JsonNode> run(String job, ObjectNode params, ObjectNode options) {
    ObjectNode body = options == null ? Json.object() : options.deepCopy();
    long tag = tags.incrementAndGet();
    body.put("tag", tag);
    body.put("job", job);
    body.set("params", params);
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    waiting.put(tag, answer);
    RuntimeException why = broken;
    if (why != null) {
      waiting.remove(tag);
      answer.completeExceptionally(why);
      return answer;
    }
    outbox.add(Json.write(body));
    queued.incrementAndGet();
    pump();
    return answer;
  }

  /** Runs a job and completes with its result; fails with a {@link JobFailedException} if it did not succeed. */
  public CompletableFuture<JsonNode> call(String job, ObjectNode params) {
    return run(job, params).thenApply(TandemClient::resultOf);
  }

  /**
   * Hands what is queued to the socket, all of it in one message, one send at a time; loops rather
   * than recursing when a send completes at once.
   */
  private void pump() {
    while (sending.compareAndSet(false, true)) {
      int waitingToGo = queued.get();
      if (!lingerDue && waitingToGo > 0 && waitingToGo < FULL && waiting.size() > waitingToGo) {
        sending.set(false);
        lingerThenSend();
        return;
      }
      lingerDue = false;
      String next = drainOutbox();
      if (next == null) {
        sending.set(false);
        if (outbox.isEmpty()) {
          return;
        }
        continue;
      }
      CompletableFuture<WebSocket> sent = socket.sendText(next, true);
      if (!sent.isDone()) {
        sent.whenComplete((ws, error) -> {
          sending.set(false);
          if (error != null) {
            sendFailed(error);
          } else {
            pump();
          }
        });
        return;
      }
      sending.set(false);
      if (sent.isCompletedExceptionally()) {
        sent.exceptionally(error -> {
          sendFailed(error);
          return null;
        });
        return;
      }
    }
  }

  private void sendFailed(Throwable error) {
    breakWith(new UnreachableException(url, "its job stream", error, true));
  }

  private void lingerThenSend() {
    if (lingerScheduled.compareAndSet(false, true)) {
      try {
        lingerer.schedule(() -> {
          lingerDue = true;
          lingerScheduled.set(false);
          pump();
        }, LINGER_NANOS, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException closed) {
        lingerScheduled.set(false); // closed meanwhile: its jobs have failed already
      }
    }
  }

  /** The queued jobs, one per line, up to about {@link #MESSAGE_CHARS}; null when none is queued. */
  private String drainOutbox() {
    String first = outbox.poll();
    if (first == null) {
      return null;
    }
    queued.decrementAndGet();
    if (outbox.isEmpty()) {
      return first;
    }
    StringBuilder lines = new StringBuilder(first);
    for (String next; lines.length() < MESSAGE_CHARS && (next = outbox.poll()) != null; ) {
      queued.decrementAndGet();
      lines.append('\n').append(next);
    }
    return lines.toString();
  }

  private void answered(String text) {
    JsonNode answer = Json.read(text);
    if (answer.has("accepted")) {
      answer.get("accepted").forEach(pair -> ids.put(pair.get(0).asLong(), pair.get(1).asText()));
      return;
    }
    if (!answer.has("tag")) {
      breakWith(new TandemException(answer.path("status").asInt(400), answer.path("error").asText(text)));
      return;
    }
    ids.remove(answer.path("tag").asLong());
    CompletableFuture<JsonNode> future = waiting.remove(answer.path("tag").asLong());
    if (future == null) {
      return;
    }
    if (answer.has("error") && answer.has("status") && !answer.has("id")) {
      future.completeExceptionally(new TandemException(answer.path("status").asInt(), answer.path("error").asText()));
    } else {
      ((ObjectNode) answer).remove("tag");
      future.complete(answer);
    }
  }

  /**
   * Fails every job still waiting, and every later one, with {@code why}; but when the node is gone
   * (not when this channel was closed), a job it had accepted is waited for at another node, and
   * its future holds the job once final there.
   */
  private void breakWith(RuntimeException why) {
    if (broken == null) {
      broken = why;
    }
    outbox.clear();
    queued.set(0);
    boolean carryOn = why instanceof UnreachableException;
    waiting.keySet().forEach(tag -> {
      CompletableFuture<JsonNode> future = waiting.remove(tag);
      String id = ids.remove(tag);
      if (future == null) {
        return;
      }
      if (carryOn && id != null) {
        client.carryOn(id, why).whenComplete((job, error) -> {
          if (error != null) {
            future.completeExceptionally(TandemClient.unwrap(error));
          } else {
            future.complete(job);
          }
        });
      } else {
        future.completeExceptionally(why);
      }
    });
  }

  /**
   * How many jobs the node has said it accepted (with their ids) that are not answered yet: those
   * this channel would wait for at another node should the node die. A job sent but not yet
   * acknowledged is not among them; if the node dies then, its future fails saying so.
   */
  public int acceptedUnanswered() {
    return ids.size();
  }

  /** Closes the connection; jobs still running on the node carry on there, and their futures here fail. */
  @Override
  public void close() {
    breakWith(new IllegalStateException("the job channel to " + url + " is closed"));
    lingerer.shutdownNow();
    WebSocket open = socket;
    if (open != null && !open.isOutputClosed()) {
      open.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(error -> null);
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(Long.MAX_VALUE); // answers are small and read at once
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        for (String line : partial.toString().split("\n")) {
          answered(line);
        }
        partial.setLength(0);
      }
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      breakWith(new UnreachableException(url, "its job stream", new java.io.IOException(
          "closed by the node (" + statusCode + (reason.isEmpty() ? "" : " " + reason) + ")"), true));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      breakWith(new UnreachableException(url, "its job stream", error, true));
    }
  }
}
