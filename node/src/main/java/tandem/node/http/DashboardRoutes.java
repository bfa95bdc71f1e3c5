package tandem.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;
import tandem.node.Asks;
import tandem.node.metrics.NodeMetrics;
import tandem.node.metrics.TaskTimeline;
import tandem.node.owner.JobJson;
import tandem.node.owner.JobManager;
import tandem.node.owner.JobProtocol;
import tandem.protocol.api.Json;

/**
 * The dashboard: its page at {@code /} (files shipped in the jar, no token needed to load them),
 * and {@code GET /events}, the one live connection a page holds (token-protected like every
 * other data request). The stream sends the cluster's members with their vitals, the node's load
 * and its newest jobs once a second, so a map of millions of elements costs a page one event a
 * second, not one per element; with {@code ?job=ID}, that job's whole record too. A client that
 * reads slowly gets fewer events, never a queue: the ticks it is not ready for are dropped.
 */
public final class DashboardRoutes extends AllDirectives {
  private static final Duration EVERY = Duration.ofSeconds(1);
  private static final Duration ASK = Duration.ofSeconds(2);
  /** Jobs the page lists; it filters among them. */
  private static final int NEWEST = 100;
  /** Tasks one event carries at most, for the task stream: the newest, when more ended. */
  private static final int TASKS = 1000;

  private final ActorSystem<?> system;
  private final ActorRef<JobManager.Command> jobs;
  private final MembersQuery members;

  public DashboardRoutes(ActorSystem<?> system, ActorRef<JobManager.Command> jobs) {
    this.system = system;
    this.jobs = jobs;
    this.members = new MembersQuery(system);
  }

  /** The page's files: open, since they hold no data (the page asks for the token itself). */
  public Route page() {
    return concat(
        pathSingleSlash(() -> get(() -> getFromResource("tandem/dashboard/index.html"))),
        pathPrefix("dashboard", () -> get(() -> getFromResourceDirectory("tandem/dashboard"))));
  }

  /** {@code GET /events}: the live state, as server-sent events named {@code state}. */
  public Route events() {
    return path("events", () -> get(() -> parameterOptional("job", job -> {
      AtomicLong tasksSent = new AtomicLong(); // this connection's: each task goes to a page once
      AtomicLong lastEvent = new AtomicLong(); // when this connection's last event was made (nanoTime), or 0
      Source<ServerSentEvent, NotUsed> events = Source.tick(Duration.ZERO, EVERY, NotUsed.getInstance())
          .mapMaterializedValue(cancellable -> NotUsed.getInstance())
          .map(tick -> {
            countMissedTicks(lastEvent);
            return tick;
          })
          .mapAsync(1, tick -> state(job.filter(id -> !id.isBlank()), tasksSent))
          .map(state -> ServerSentEvent.create(Json.write(state), "state"))
          .keepAlive(Duration.ofSeconds(15), ServerSentEvent::heartbeat);
      return completeOK(events, EventStreamMarshalling.toEventStream());
    })));
  }

  /**
   * Ticks a page was not ready for are dropped by the tick source, never queued; counted here from
   * the time since the connection's last event (one is due each second).
   */
  private void countMissedTicks(AtomicLong lastEvent) {
    long now = System.nanoTime();
    long last = lastEvent.getAndSet(now);
    if (last != 0) {
      NodeMetrics.get(system).dashboardDropped("events", Math.max(0, Math.round((now - last) / (double) EVERY.toNanos()) - 1));
    }
  }

  /**
   * One event's data: {@code {at, load, members, jobs, job, jobsFinished, tasksEnded, tasks}}, where
   * {@code tasks} are those that ended since this connection's last event, as
   * {@code [seq, job, pid, thread, endMillis, runMicros, ok]} (at most {@link #TASKS} of them).
   */
  private CompletionStage<ObjectNode> state(Optional<String> id, AtomicLong tasksSent) {
    CompletionStage<ArrayNode> cluster = members.members();
    CompletionStage<JobProtocol.JobList> listing = Asks.<JobManager.Command, JobProtocol.JobList>ask(
        system, jobs, replyTo -> new JobProtocol.ListJobs(NEWEST, replyTo), ASK);
    CompletionStage<Optional<JsonNode>> one = id
        .map(this::job)
        .orElse(CompletableFuture.completedFuture(Optional.empty()));
    return cluster.thenCombine(listing, (m, l) -> {
      ObjectNode out = Json.object();
      out.put("at", System.currentTimeMillis());
      out.set("load", JsonResponses.summary(l));
      out.set("members", m);
      ArrayNode rows = out.putArray("jobs");
      long now = System.nanoTime();
      l.jobs().forEach(job -> rows.add(brief(JobJson.of(job, now))));
      out.put("jobsFinished", NodeMetrics.get(system).jobsFinished());
      TaskTimeline timeline = TaskTimeline.get(system);
      out.put("tasksEnded", timeline.count());
      ArrayNode tasks = out.putArray("tasks");
      TaskTimeline.Batch batch = timeline.after(tasksSent.get(), TASKS);
      NodeMetrics.get(system).dashboardDropped("tasks", batch.skipped());
      for (TaskTimeline.Entry t : batch.entries()) {
        tasks.addArray().add(t.seq()).add(t.job()).add(t.pid()).add(t.thread()).add(t.endMillis()).add(t.runMicros()).add(t.ok());
        tasksSent.set(t.seq());
      }
      return out;
    }).thenCombine(one, (out, job) -> {
      job.ifPresent(j -> out.set("job", j));
      return out;
    });
  }

  /** A job for the list: without its result and parameters, which may be large (the page fetches them). */
  private static JsonNode brief(ObjectNode job) {
    job.remove("result");
    job.remove("params");
    return job;
  }

  private CompletionStage<Optional<JsonNode>> job(String id) {
    return Asks.<JobManager.Command, JobProtocol.JobLookup>ask(system, jobs, replyTo -> new JobProtocol.Get(id, replyTo), ASK)
        .thenApply(found -> found.job().map(job -> {
          ObjectNode json = JobJson.of(job, System.nanoTime());
          // A large result stays out of the stream; the page downloads it from /jobs/{id}/result.
          JsonNode result = json.get("result");
          if (result != null && result.toString().length() > 4096) {
            json.put("result", "(" + result.toString().length() + " characters: download it)");
            json.put("resultTruncated", true);
          }
          return (JsonNode) json;
        }))
        .exceptionally(error -> Optional.empty());
  }
}
