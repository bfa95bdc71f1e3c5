package tandem.launcher.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import tandem.protocol.api.Json;
import tandem.protocol.api.JobState;

/**
 * A client for a node's HTTP API, used by the CLI and by Java programs. Calls return {@link
 * CompletableFuture}s; one client reuses its connections, so keep one per program. {@link #call}
 * gives a job's result; {@link #run} and {@link #runMap} give the finished job with its timings;
 * {@link Futures#asCompleted} yields many futures as they finish; {@link #openChannel} carries many
 * small jobs over one connection.
 */
public final class TandemClient {
  static {
    // A node closes a connection idle for pekko.http.server.idle-timeout (75 s); the JDK client keeps
    // idle ones 1,200 s and does not retry a POST sent on one the node just closed ("header parser
    // received no bytes"). Closing them first, at 30 s, avoids that. Set only when the program did not.
    System.getProperties().putIfAbsent("jdk.httpclient.keepalive.timeout", "30");
  }

  /** The {@code resultType} of a job whose result is bytes. */
  private static final String BYTES = "bytes";

  private final URI base;
  private final String how;
  private final HttpClient http;
  /** Sent as {@code Authorization: Bearer <token>} on every request, or null. */
  private final String token;

  /** A client for the node at {@code base}, sending the token in {@code $TANDEM_TOKEN} if it is set. */
  public TandemClient(URI base) {
    this(base, "");
  }

  /** @param how where the URL came from, for the message when no node answers there */
  public TandemClient(URI base, String how) {
    this(base, how, System.getenv("TANDEM_TOKEN"));
  }

  /**
   * @param token the node's {@code tandem.http.token}, sent with every request; null or empty
   *     for none
   */
  public TandemClient(URI base, String how, String token) {
    this.base = base;
    this.how = how;
    this.token = token == null || token.isBlank() ? null : token.trim();
    HttpClient.Builder http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(3))
        // A node answers for a job too large to pass between nodes with a redirect to its owner.
        .followRedirects(HttpClient.Redirect.NORMAL);
    if ("http".equalsIgnoreCase(base.getScheme())) {
      http.sslContext(NoTls.CONTEXT);
    }
    this.http = http.build();
  }

  /**
   * The TLS context of a client of a plain-HTTP node. The JDK's client builds the default one
   * otherwise, reading the system's trusted certificates: 150–200 ms of every CLI command's start,
   * for a context it never uses. This one trusts nothing, so it can never carry a request.
   */
  private static final class NoTls {
    static final javax.net.ssl.SSLContext CONTEXT = create();

    private static javax.net.ssl.SSLContext create() {
      try {
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(new javax.net.ssl.KeyManager[0], new javax.net.ssl.TrustManager[0], null);
        return context;
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException("no TLS in this JVM: " + e.getMessage(), e);
      }
    }
  }

  /** Whether the node answered this client before: if it stops answering, it is gone. */
  private volatile boolean answered;
  /** Other nodes to wait on a job at when this one is gone: given, and learned from GET /members. */
  private volatile List<URI> others = List.of();
  private volatile boolean learned;

  /**
   * Other nodes of the cluster (their HTTP URLs) that this client waits at for a job if its node
   * dies meanwhile; it also learns them from the cluster itself before it first waits for a job.
   */
  public TandemClient alsoTry(List<URI> nodes) {
    this.others = List.copyOf(nodes);
    return this;
  }

  public URI base() {
    return base;
  }

  /**
   * Runs a job and completes with its result, like {@code executor.submit(f).result()}; fails with
   * a {@link JobFailedException} if the job failed, was cancelled or timed out.
   */
  public CompletableFuture<JsonNode> call(String job, ObjectNode params) {
    return run(job, params).thenCompose(done -> {
      JsonNode result = resultOf(done);
      return isBytes(done)
          ? result(done.path("id").asText()).thenApply(BinaryNode::valueOf)
          : CompletableFuture.completedFuture(result);
    });
  }

  /**
   * Runs a job whose result is bytes (e.g. {@code read-file} with {@code as=bytes}) and completes
   * with them; a JSON result comes as its text in UTF-8.
   */
  public CompletableFuture<byte[]> callBytes(String job, ObjectNode params) {
    return run(job, params).thenCompose(done -> {
      resultOf(done);
      return result(done.path("id").asText());
    });
  }

  /** Whether a finished job's result is bytes: its JSON then shows only their size and SHA-256. */
  public static boolean isBytes(JsonNode job) {
    return BYTES.equals(job.path("resultType").asText());
  }

  /**
   * A finished job's result as the node sends it raw ({@code GET /jobs/{id}/result}): bytes as
   * they are, any other result as its JSON text (a text result as the text itself) in UTF-8.
   */
  public CompletableFuture<byte[]> result(String id) {
    return http.sendAsync(get("/jobs/" + encode(id) + "/result"), info -> info.statusCode() == 200
            ? HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofByteArray(), bytes -> new Raw(bytes, null))
            : HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8), text -> new Raw(null, text)))
        .handle((response, error) -> raw(response, error).bytes());
  }

  /** Everything job {@code id} wrote that its owner still keeps (the last 64 KiB by default). */
  public CompletableFuture<JobLog> logs(String id) {
    return logs(id, 0, null);
  }

  /**
   * What job {@code id} wrote after offset {@code from} (0: everything kept), of element {@code
   * element} of a map only when it is not null. Follow a running job by asking again from {@link
   * JobLog#next} until {@link JobLog#jobIsFinal}.
   */
  public CompletableFuture<JobLog> logs(String id, long from, Long element) {
    String query = "?from=" + from + (element == null ? "" : "&element=" + element);
    return sendText(get("/jobs/" + encode(id) + "/logs" + query)).thenApply(response -> new JobLog(response.body(),
        response.headers().firstValueAsLong("Tandem-Log-Next").orElse(from),
        response.headers().firstValue("Tandem-Job-State").orElse("unknown")));
  }

  /**
   * A request answered with text (a log): its response once the node answered 200; an error status
   * fails with the node's reason, as {@link #send} does for JSON.
   */
  private CompletableFuture<HttpResponse<String>> sendText(HttpRequest request) {
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
        .handle((response, error) -> {
          if (error != null) {
            throw unreachable(error);
          }
          answered = true;
          if (response.statusCode() != 200) {
            parse(response); // throws for an error status, with the node's reason
            throw new TandemException(response.statusCode(), "unexpected HTTP " + response.statusCode() + " for " + request.uri().getPath());
          }
          return response;
        });
  }

  /**
   * Writes a finished job's result, as {@link #result} gives it, to {@code file} as it arrives
   * (a result of tens of megabytes is never held whole in memory here).
   */
  public CompletableFuture<Path> saveResult(String id, Path file) {
    return http.sendAsync(get("/jobs/" + encode(id) + "/result"), info -> info.statusCode() == 200
            ? HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofFile(file,
                StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING), saved -> new Raw(null, null))
            : HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8), text -> new Raw(null, text)))
        .handle((response, error) -> {
          raw(response, error);
          return file;
        });
  }

  /** A raw answer: the bytes of a 200, or the JSON error text of anything else. */
  private record Raw(byte[] bytes, String error) {}

  private Raw raw(HttpResponse<Raw> response, Throwable error) {
    if (error != null) {
      throw unreachable(error);
    }
    answered = true;
    Raw raw = response.body();
    if (raw.error() != null) {
      JsonNode body;
      try {
        body = Json.MAPPER.readTree(raw.error());
      } catch (JsonProcessingException notJson) {
        body = Json.object();
      }
      throw new TandemException(response.statusCode(), body.path("error").asText("HTTP " + response.statusCode()));
    }
    return raw;
  }

  /** The result of a finished job, or a {@link JobFailedException} saying why there is none. */
  public static JsonNode resultOf(JsonNode job) {
    if (!"succeeded".equals(job.path("state").asText())) {
      throw new JobFailedException(job);
    }
    return job.path("result");
  }

  /**
   * Opens a {@link JobChannel}: one connection on which any number of jobs travel at once, each
   * answered when it is final. The way to submit many small jobs one by one. Should its node die,
   * the jobs it had accepted are waited for at the cluster's other nodes (with a journal, one
   * takes them over), like {@link #awaitJob}.
   */
  public CompletableFuture<JobChannel> openChannel() {
    return learnOthers().thenCompose(v -> JobChannel.open(http, base, how, token, this));
  }

  /**
   * This client's node is gone: a client for the node that owns job {@code id} now (with a journal,
   * another node takes the job over), or, once the job is final, for any node that answers for it.
   * Looks through every node this client knows, twice a second, for {@link #CARRY_ON}; then fails
   * with the last answer.
   */
  public CompletableFuture<TandemClient> ownerElsewhere(String id) {
    return ownerElsewhere(id, System.nanoTime() + CARRY_ON.toNanos(), new UnreachableException(base, how,
        new java.io.IOException("no node answered for " + id), true));
  }

  private CompletableFuture<TandemClient> ownerElsewhere(String id, long deadline, Throwable last) {
    List<URI> everyone = everyoneKnown();
    CompletableFuture<TandemClient> found = CompletableFuture.failedFuture(last);
    for (URI uri : everyone) {
      found = found.exceptionallyCompose(error -> {
        TandemClient there = new TandemClient(uri, "another node of the cluster (" + base + " is gone)", token)
            .alsoTry(everyone.stream().filter(u -> !u.equals(uri)).toList());
        there.learned = true;
        return there.job(id).thenCompose(job -> isFinal(job) ? CompletableFuture.completedFuture(there) : there.owner(id));
      });
    }
    return found.exceptionallyCompose(error -> System.nanoTime() > deadline
        ? CompletableFuture.failedFuture(unwrap(error))
        : shortly()
            .thenCompose(v -> ownerElsewhere(id, deadline, unwrap(error))));
  }

  /** Waits for job {@code id} at the other nodes this client knows: its own node is {@code gone}. */
  CompletableFuture<JsonNode> carryOn(String id, Throwable gone) {
    return elsewhere(id, others(), gone);
  }

  /** Submits a job; the future holds the job as accepted (queued or running). */
  public CompletableFuture<JsonNode> submit(String job, ObjectNode params) {
    return submit(job, params, (ObjectNode) null);
  }

  /**
   * Submits a job with options, as {@code POST /jobs} takes them: {@code on} ({@code "threads"}:
   * on the node's threads; {@code "processes"}: in a worker process), {@code timeout} ({@code
   * "30s"}), {@code retries}, {@code retryOnError}; null or empty for the defaults.
   */
  public CompletableFuture<JsonNode> submit(String job, ObjectNode params, ObjectNode options) {
    return post(job, params, options, false);
  }

  /** Submits a job and completes once it is final (succeeded, failed, cancelled or timed out). */
  public CompletableFuture<JsonNode> run(String job, ObjectNode params) {
    return run(job, params, (ObjectNode) null);
  }

  /** Like {@link #run(String, ObjectNode)}, with options (see {@link #submit(String, ObjectNode, ObjectNode)}). */
  public CompletableFuture<JsonNode> run(String job, ObjectNode params, ObjectNode options) {
    // Accepted first, then waited for by id: if its node dies meanwhile, the id is what another node
    // answers for, and the other nodes are known before (once per client), not asked of a dead one.
    return learnOthers().thenCompose(v -> post(job, params, options, false)).thenCompose(this::untilFinal);
  }

  /**
   * Runs a map and completes once every element has settled. {@code map} holds one of {@code
   * inputs}, {@code range} or {@code values}, and optionally {@code chunk}, {@code reduce},
   * {@code failFast} and {@code on}, as {@code POST /jobs} takes them.
   */
  public CompletableFuture<JsonNode> runMap(String job, ObjectNode shared, ObjectNode map) {
    ObjectNode body = map.deepCopy();
    body.put("job", job);
    body.set("params", shared);
    return learnOthers().thenCompose(v -> post(body, false)).thenCompose(this::untilFinal);
  }

  /**
   * Submits a map (see {@link #runMap}) and completes with the job as accepted. Like the waits, it
   * learns the cluster's other nodes first (once per client): one who follows the map should its
   * node die ({@link #ownerElsewhere}) finds them without asking the dead one.
   */
  public CompletableFuture<JsonNode> submitMap(String job, ObjectNode shared, ObjectNode map) {
    ObjectNode body = map.deepCopy();
    body.put("job", job);
    body.set("params", shared);
    return learnOthers().thenCompose(v -> post(body, false));
  }

  /**
   * Runs a map and completes with its results in input order, like {@code Pool.map}; fails with a
   * {@link JobFailedException} if any element failed (its message names the first).
   */
  public CompletableFuture<List<JsonNode>> map(String job, ObjectNode shared, ObjectNode map) {
    // Read as they come, so a map too large for its node to keep (it streams its results) works too.
    return submitMap(job, shared, map).thenCompose(accepted -> {
      String id = accepted.path("id").asText();
      return CompletableFuture.supplyAsync(() -> {
        List<JsonNode> results = new ArrayList<>();
        inOrder(id).forEach(entry -> results.add(entry.has("result") ? entry.get("result") : Json.NODES.nullNode()));
        return results;
      }, reading -> new Thread(reading, "tandem-map-" + id).start())
          .thenCompose(results -> job(id).thenApply(done -> {
            if (!"succeeded".equals(done.path("state").asText())) {
              throw new JobFailedException(done);
            }
            return results;
          }));
    });
  }

  /**
   * Sends the inputs of map {@code id} (submitted with {@code "inputs": "upload"}) as the JSON
   * lines {@code lines} opens, one object of parameters per line: a file's bytes, or standard
   * input's, as they are. The node reads them only as fast as its workers take the elements, so
   * this completes ({@code {id, inputs}}: how many it took) when the last one was taken, not when
   * the map ends; read the results meanwhile ({@link #inOrder}, {@link #settled}).
   */
  public CompletableFuture<JsonNode> uploadInputs(String id, Supplier<InputStream> lines) {
    HttpRequest request = request("/jobs/" + encode(id) + "/inputs")
        .header("Content-Type", "application/x-ndjson")
        .PUT(HttpRequest.BodyPublishers.ofInputStream(lines))
        .build();
    return send(request);
  }

  /** Sends the inputs of map {@code id} as {@link #uploadInputs(String, Supplier)} does, each written as it is sent. */
  public CompletableFuture<JsonNode> uploadInputs(String id, Iterator<? extends JsonNode> inputs) {
    return uploadInputs(id, () -> new JsonLinesInput(inputs));
  }

  /**
   * Runs {@code job} once per element of {@code inputs}, each laid over {@code shared}, and gives
   * the results in input order as they come, like {@code Pool.imap}: the inputs are made and sent
   * only as the node's workers take them, the results are dropped once read, so neither side holds
   * them all. Each entry is {@code {index, result}} or {@code {index, error}}; reading blocks while
   * the next element runs. When the map did not succeed (an element failed, the upload broke off),
   * reading past the last entry throws a {@link JobFailedException} that says why. {@code options}
   * (or null) takes {@code chunk}, {@code reduce} (sum, min, max, count), {@code failFast} and the
   * options of {@code POST /jobs}.
   */
  public Stream<JsonNode> imap(String job, ObjectNode shared, Iterator<? extends JsonNode> inputs, ObjectNode options) {
    return MapStreams.imap(this, job, shared, inputs, options);
  }

  /**
   * A map's results in input order as they come, like {@code Pool.imap}: a lazy stream of {@code
   * {index, result}} or {@code {index, error}} entries that holds only those that settled ahead of
   * the next in order. Reading it blocks while the next element is still running; the map must be
   * owned by the node this client talks to. A map too large for its node to keep streams its
   * results (see the README), and this is how to read them all.
   */
  public Stream<JsonNode> inOrder(String id) {
    return MapStreams.inOrder(settled(id));
  }

  /**
   * A map's elements as they settle, like {@code as_completed}: a lazy stream of {@code {index,
   * result}} or {@code {index, error}} in the order the elements finished, which ends when the map
   * is final. Reading it blocks while the next element is still running; the map must be owned by
   * the node this client talks to (the one it was submitted to).
   */
  public Stream<JsonNode> settled(String id) {
    return MapStreams.settled(this, id);
  }

  /**
   * Runs a pipeline and completes once it is final: each step's result becomes the next step's
   * {@code input}. {@code steps} are {@code {"job", "params"}} objects; {@code map} is null for one
   * run, or holds {@code inputs}, {@code range} or {@code values} (laid over the first step's
   * parameters) as for {@link #runMap}.
   */
  public CompletableFuture<JsonNode> runPipeline(List<ObjectNode> steps, ObjectNode map) {
    return learnOthers().thenCompose(v -> post(pipelineBody(steps, map), false)).thenCompose(this::untilFinal);
  }

  /** Submits a pipeline (see {@link #runPipeline}) and completes with the job as accepted; learns the others first, like {@link #submitMap}. */
  public CompletableFuture<JsonNode> submitPipeline(List<ObjectNode> steps, ObjectNode map) {
    return learnOthers().thenCompose(v -> post(pipelineBody(steps, map), false));
  }

  private static ObjectNode pipelineBody(List<ObjectNode> steps, ObjectNode map) {
    ObjectNode body = map == null ? Json.object() : map.deepCopy();
    body.putArray("pipeline").addAll(steps);
    return body;
  }

  /**
   * The elements of a map on this node that settled after the first {@code after}, waiting a
   * while for one: {@code {state, done, failed, total, next, entries: [{index, result|error}]}}.
   */
  public CompletableFuture<JsonNode> mapResults(String id, int after) {
    return send(get("/jobs/" + encode(id) + "/results?after=" + after));
  }

  /** The job as it stands now. */
  public CompletableFuture<JsonNode> job(String id) {
    return send(get("/jobs/" + encode(id)));
  }

  /** The job once it is final. */
  public CompletableFuture<JsonNode> awaitJob(String id) {
    return send(get("/jobs/" + encode(id) + "?wait=true")).thenCompose(this::untilFinal)
        .exceptionallyCompose(error -> unwrap(error) instanceof UnreachableException gone && gone.answeredBefore()
            ? elsewhere(id, others(), error)
            : CompletableFuture.failedFuture(unwrap(error)));
  }

  /**
   * How long a client whose node died while it waited for a job keeps looking for a node that
   * answers for it: long enough for the cluster to remove the dead node and for another to take
   * the job over, or for a restarted node to come back.
   */
  static final java.time.Duration CARRY_ON = java.time.Duration.ofSeconds(60);

  /**
   * Its node died while a client waited for job {@code id}: it waits at another node instead, the
   * first of {@code candidates} that answers. With a journal, the job's new owner (or, until one
   * takes it over, any node, from the journal) answers for the same id. When none answers, it
   * tries every node it knows again, twice a second, for {@link #CARRY_ON}.
   */
  private CompletableFuture<JsonNode> elsewhere(String id, List<URI> candidates, Throwable gone) {
    return elsewhere(id, candidates, gone, System.nanoTime() + CARRY_ON.toNanos());
  }

  private CompletableFuture<JsonNode> elsewhere(String id, List<URI> candidates, Throwable gone, long deadline) {
    if (candidates.isEmpty()) {
      if (System.nanoTime() > deadline) {
        return CompletableFuture.failedFuture(unwrap(gone));
      }
      List<URI> everyone = everyoneKnown();
      return shortly()
          .thenCompose(v -> elsewhere(id, everyone, gone, deadline));
    }
    URI next = candidates.get(0);
    List<URI> rest = candidates.subList(1, candidates.size());
    // It knows every node this client knows, the dead one too: that may come back.
    List<URI> known = everyoneKnown().stream().filter(uri -> !uri.equals(next)).toList();
    TandemClient there = new TandemClient(next, "another node of the cluster (" + base + " is gone)", token).alsoTry(known);
    there.learned = true;
    return there.awaitJob(id).exceptionallyCompose(error -> {
      Throwable why = unwrap(error);
      if (why instanceof UnreachableException) {
        return elsewhere(id, rest, gone, deadline);
      }
      if (why instanceof TandemException refused && refused.status() == 404) {
        // Not even in a journal: the job ended with its node. Say that, not only "no such job".
        return CompletableFuture.failedFuture(new TandemException(404, unwrap(gone).getMessage() + "; no other node of"
            + " the cluster has job '" + id + "': a node's unfinished jobs end with it unless the cluster keeps a job"
            + " journal (tandem.journal.url; the nodes of 'tandem up' do)"));
      }
      return CompletableFuture.failedFuture(why);
    });
  }

  /** Every node this client knows: the others and its own (which may come back). */
  private List<URI> everyoneKnown() {
    return java.util.stream.Stream.concat(others.stream(), java.util.stream.Stream.of(base)).distinct().toList();
  }

  /** Done in half a second: the pause between two rounds of looking for a node that answers. */
  private static CompletableFuture<Void> shortly() {
    return CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS));
  }

  private List<URI> others() {
    return others.stream().filter(uri -> !uri.equals(base)).distinct().toList();
  }

  /** Learns the cluster's other nodes once, before the first wait that might outlive this node. */
  private CompletableFuture<Void> learnOthers() {
    if (learned) {
      return CompletableFuture.completedFuture(null);
    }
    learned = true;
    return members().handle((members, error) -> {
      if (members != null) {
        List<URI> found = new java.util.ArrayList<>(others);
        for (JsonNode m : members) {
          if (m.hasNonNull("httpUrl") && !m.path("httpUrl").asText().isEmpty()) {
            found.add(URI.create(m.path("httpUrl").asText()));
          }
        }
        others = List.copyOf(found);
      }
      return null;
    });
  }

  static Throwable unwrap(Throwable error) {
    return error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
  }

  /**
   * Cancels a job on the node this client talks to, which must own it ({@link #owner} finds that
   * node). The future holds the cancelled job; it fails with a {@link TandemException} of status
   * 409 when the job was final already.
   */
  public CompletableFuture<JsonNode> cancel(String id) {
    return send(request("/jobs/" + encode(id) + "/cancel").POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  /** A client for the node that owns the job (any node can tell which that is). */
  public CompletableFuture<TandemClient> owner(String id) {
    return job(id).thenCombine(health(), (job, self) -> job.path("owner").asText().equals(self.path("address").asText()))
        .thenCompose(here -> here ? CompletableFuture.completedFuture(this) : job(id).thenCombine(members(), (job, members) -> {
          for (JsonNode m : members) {
            if (m.path("address").asText().equals(job.path("owner").asText()) && m.hasNonNull("httpUrl")) {
              return new TandemClient(URI.create(m.path("httpUrl").asText()), "the owner of " + id, token);
            }
          }
          throw new TandemException(404, "the node that owns " + id + " (" + job.path("owner").asText() + ") is not in the cluster any more");
        }));
  }

  /** {@code {"jobs": [...newest first], "queued": .., "running": .., "workers": ..}}. */
  public CompletableFuture<JsonNode> jobs(int limit) {
    return send(get("/jobs?limit=" + limit));
  }

  /** Every member: {@code [{address, roles, status, pid, httpUrl?}]}. */
  public CompletableFuture<JsonNode> members() {
    return send(get("/members"));
  }

  /** Every job the node can run: {@code [{name, kind, description, usage, params: [...]}]}. */
  public CompletableFuture<JsonNode> catalog() {
    return send(get("/catalog"));
  }

  /**
   * Asks the node to stop gracefully: it takes no more jobs, lets its unfinished ones finish (up to
   * its drain deadline), then leaves the cluster and exits. Completes with {@code {stopping,
   * address, running, queued, drainDeadlineMs}}.
   */
  public CompletableFuture<JsonNode> stop() {
    return send(request("/stop").POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  /**
   * Has the node keep {@code workers} worker processes of its own from now on. Completes with
   * {@code {address, before, workers, starting, stopping}}; a worker that goes finishes its
   * running jobs first.
   */
  public CompletableFuture<JsonNode> scale(int workers) {
    return send(request("/workers").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(Json.object().put("count", workers)))).build());
  }

  public CompletableFuture<JsonNode> health() {
    return send(get("/health"));
  }

  /**
   * The node's count of ready workers once {@code until} holds for it, polled every 50 ms; or the
   * count at {@code timeout}, whichever comes first (after {@link #scale}, new workers take a second
   * or so to start and join).
   */
  public CompletableFuture<Integer> awaitWorkers(IntPredicate until, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    return health().thenCompose(health -> {
      int workers = health.path("workers").asInt();
      if (until.test(workers) || System.nanoTime() >= deadline) {
        return CompletableFuture.completedFuture(workers);
      }
      Duration left = Duration.ofNanos(deadline - System.nanoTime());
      return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS))
          .thenCompose(ignored -> awaitWorkers(until, left));
    });
  }

  public static boolean isFinal(JsonNode job) {
    return JobState.isFinal(job.path("state").asText());
  }

  private CompletableFuture<JsonNode> post(String job, ObjectNode params, ObjectNode options, boolean wait) {
    ObjectNode body = options == null ? Json.object() : options.deepCopy();
    body.put("job", job);
    body.set("params", params);
    return post(body, wait);
  }

  private CompletableFuture<JsonNode> post(ObjectNode body, boolean wait) {
    HttpRequest request = request("/jobs" + (wait ? "?wait=true" : ""))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
        .build();
    return send(request);
  }

  /** A node answers a waiting request after at most its max-wait; ask again until the job is final. */
  private CompletableFuture<JsonNode> untilFinal(JsonNode job) {
    if (isFinal(job)) {
      return CompletableFuture.completedFuture(job);
    }
    String id = job.path("id").asText();
    if (job.has("note")) { // from the journal: its owner is gone and no node took it over yet; ask again shortly
      return CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.SECONDS))
          .thenCompose(v -> awaitJob(id));
    }
    return learnOthers().thenCompose(v -> awaitJob(id));
  }

  private HttpRequest get(String path) {
    return request(path).GET().build();
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path));
    return token == null ? request : request.header("Authorization", "Bearer " + token);
  }

  private CompletableFuture<JsonNode> send(HttpRequest request) {
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .handle((response, error) -> {
          if (error != null) {
            throw unreachable(error);
          }
          answered = true;
          return parse(response);
        });
  }

  private RuntimeException unreachable(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException
        || cause instanceof IOException) {
      return new UnreachableException(base, how, cause, answered);
    }
    return cause instanceof RuntimeException r ? r : new CompletionException(cause);
  }

  private static JsonNode parse(HttpResponse<String> response) {
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(response.body());
    } catch (JsonProcessingException e) {
      String start = response.body().lines().findFirst().orElse("");
      throw new TandemException(response.statusCode(), "the node sent something that is not JSON ("
          + e.getOriginalMessage() + "): " + (start.length() > 200 ? start.substring(0, 200) + "..." : start));
    }
    if (response.statusCode() >= 400) {
      throw new TandemException(response.statusCode(), body.path("error").asText("HTTP " + response.statusCode()));
    }
    return body;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  /**
   * The newest {@code lines} (1 to 1,000) log lines that a member, node or worker, keeps in memory,
   * of those after sequence number {@code after} (0: the newest), through this node ({@code GET
   * /members/{member}/log}). {@code member} is an address as {@link #members} shows it, its
   * {@code host:port}, or an OS pid. Fails with a {@link TandemException}: 404 naming the members
   * the node sees, 400 for {@code lines} out of range, 504 when the member does not answer.
   */
  public CompletableFuture<MemberLog> memberLog(String member, long after, int lines) {
    HttpRequest request = get("/members/" + encode(member) + "/log?lines=" + lines + "&after=" + after);
    return sendText(request).thenApply(response -> {
      var headers = response.headers();
      return new MemberLog(
          headers.firstValue("Tandem-Log-Member").orElse(member),
          headers.firstValueAsLong("Tandem-Log-Pid").orElse(-1),
          response.body(),
          headers.firstValueAsLong("Tandem-Log-Next").orElse(after),
          headers.firstValueAsLong("Tandem-Log-Missed").orElse(0));
    });
  }
}
