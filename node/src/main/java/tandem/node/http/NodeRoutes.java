package tandem.node.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import tandem.node.Asks;
import tandem.node.metrics.NodeMetrics;
import tandem.node.NodeSettings;
import tandem.node.StopReason;
import tandem.node.io.BlockingThreads;
import tandem.node.jobs.JobCatalog;
import tandem.node.owner.JobManager;
import tandem.node.owner.JobProtocol;
import tandem.node.pool.WorkerPool;
import tandem.protocol.api.Json;

/**
 * What is about the node rather than a job: its health, the cluster's members and their recent
 * logs ({@code /members/{member}/log}), the jobs it can run ({@code /catalog}), how many local
 * workers it keeps ({@code /workers}) and its stop.
 */
public final class NodeRoutes extends AllDirectives {
  private static final Duration ASK = Duration.ofSeconds(10);

  private final ActorSystem<?> system;
  private final ActorRef<JobManager.Command> jobs;
  private final ActorRef<WorkerPool.Command> pool;
  private final JsonNode catalog;
  private final NodeSettings settings;
  private final String address;
  private final MembersQuery members;
  private final MemberLogs logs;

  /** @param pool the node's own workers, or null when it starts none */
  public NodeRoutes(ActorSystem<?> system, ActorRef<JobManager.Command> jobs, ActorRef<WorkerPool.Command> pool,
      JobCatalog catalog, NodeSettings settings, String address) {
    this.system = system;
    this.jobs = jobs;
    this.pool = pool;
    this.catalog = CatalogJson.of(catalog, BlockingThreads.describe(system.settings().config()));
    this.settings = settings;
    this.address = address;
    this.members = new MembersQuery(system);
    this.logs = new MemberLogs(system, members);
  }

  public Route routes() {
    return concat(
        path("workers", () -> post(this::scale)),
        path("members", () -> get(() -> completeWithFuture(
            members.members().thenApply(m -> JsonResponses.json(StatusCodes.OK, m))))),
        pathPrefix("members", () -> path(segment().slash("log"), member -> get(() ->
            parameterOptional("lines", lines -> parameterOptional("after", after ->
                completeWithFuture(logs.tail(member, lines, after))))))),
        path("catalog", () -> get(() -> complete(JsonResponses.json(StatusCodes.OK, catalog)))),
        path("health", () -> get(this::health)),
        path("metrics", () -> get(this::metrics)),
        path("stop", () -> post(this::stop)));
  }

  /**
   * {@code POST /workers} with {@code {"count": N}}: keep N local workers from now on. 202 and
   * {@code {before, workers, starting, stopping}}; the extra ones finish their running tasks first.
   */
  private Route scale() {
    return entity(Unmarshaller.entityToString(), body -> {
      int count = ScaleRequest.count(body);
      if (pool == null) {
        return complete(JsonResponses.error(StatusCodes.CONFLICT,
            "this node starts no workers of its own; start more with 'tandem worker --seed'"));
      }
      return completeWithFuture(Asks.<WorkerPool.Command, WorkerPool.Resized>ask(
              system, pool, replyTo -> new WorkerPool.Resize(count, replyTo), ASK)
          .thenApply(resized -> {
            ObjectNode out = Json.object();
            out.put("address", address);
            out.put("before", resized.before());
            out.put("workers", resized.wanted());
            out.put("starting", resized.starting());
            out.put("stopping", resized.stopping());
            return JsonResponses.json(StatusCodes.ACCEPTED, out);
          }));
    });
  }

  /** The node's load now: {@code {queued, running, workers}}. */
  private CompletionStage<ObjectNode> load() {
    return Asks.<JobManager.Command, JobProtocol.JobList>ask(
            system, jobs, replyTo -> new JobProtocol.ListJobs(0, replyTo), ASK)
        .thenApply(JsonResponses::summary);
  }

  private Route health() {
    return completeWithFuture(load()
        .thenApply(out -> {
          out.put("status", "ok");
          out.put("address", address);
          out.put("pid", ProcessHandle.current().pid());
          // Which JDK: it decides whether blocking jobs get virtual threads (see GET /catalog).
          out.put("jdk", Runtime.version().toString());
          return JsonResponses.json(StatusCodes.OK, out);
        }));
  }

  /**
   * {@code GET /metrics}: this node's metrics in the Prometheus text format, with every member's
   * JVM figures as they answer now (label {@code member}), so scraping the nodes is enough.
   */
  private Route metrics() {
    NodeMetrics metrics = NodeMetrics.get(system);
    return completeWithFuture(members.described().thenApply(described -> {
      Map<String, String> roles = new HashMap<>();
      for (Member m : Cluster.get(system).state().getMembers()) {
        roles.put(m.address().toString(), m.hasRole("worker") ? "worker" : m.hasRole("node") ? "node" : "other");
      }
      return HttpResponse.create().withStatus(StatusCodes.OK).withEntity(HttpEntities.create(
          ContentTypes.parse(NodeMetrics.contentType()), metrics.scrape(described, roles)));
    }));
  }

  /**
   * Stops this node gracefully: it takes no more jobs, lets those it has finish (up to the drain
   * deadline) while still answering about them, then leaves the cluster and exits.
   */
  private Route stop() {
    return completeWithFuture(load()
        .thenApply(out -> {
          out.put("stopping", true);
          out.put("address", address);
          out.put("drainDeadlineMs", settings.drainDeadline().toMillis());
          CoordinatedShutdown.get(Adapter.toClassic(system)).run(StopReason.REQUESTED);
          return JsonResponses.json(StatusCodes.ACCEPTED, out);
        }));
  }
}
