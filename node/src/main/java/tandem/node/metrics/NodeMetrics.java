package tandem.node.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import tandem.node.owner.JobEvents;
import tandem.node.owner.JobRecord;
import tandem.node.owner.MapView;
import tandem.protocol.MemberProtocol;
import tandem.protocol.api.JobState;

/**
 * A node's Prometheus metrics, one registry per actor system (a Pekko extension, so every actor
 * finds it without being handed it). The instruments are the Prometheus Java client's; the actors
 * only count (a counter or histogram update is a few atomic adds, with nothing buffered), and all
 * the work of a scrape happens in {@link #scrape}, when someone asks: nobody scraping costs
 * nothing beyond the counting. Label values are job names the catalog knows (a job is counted only
 * once accepted), final states, routes as templates and member addresses: bounded sets.
 */
public final class NodeMetrics implements Extension, JobEvents {
  /** The extension's id: {@code NodeMetrics.get(system)}. */
  public static final ExtensionId<NodeMetrics> ID = new ExtensionId<>() {
    @Override
    public NodeMetrics createExtension(ActorSystem<?> system) {
      return new NodeMetrics(system);
    }
  };

  public static NodeMetrics get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** Seconds, from a millisecond task to a long job. */
  private static final double[] SECONDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter submitted;
  private final Counter finished;
  private final Gauge jobs;
  private final Gauge mapElementsPending;
  private final Counter mapElementsSettled;
  private final Histogram taskRun;
  private final Histogram taskQueueWait;
  private final Gauge streamConnections;
  private final Counter httpRequests;
  private final Counter dashboardDropped;
  private final MemberVitals members;
  /** Jobs that reached a final state here, all names together: the dashboard's jobs/s. */
  private final java.util.concurrent.atomic.AtomicLong finishedCount = new java.util.concurrent.atomic.AtomicLong();

  private NodeMetrics(ActorSystem<?> system) {
    submitted = Counter.builder().name("tandem_jobs_submitted_total")
        .help("Jobs this node accepted (maps and pipelines once, each pipeline step too)")
        .labelNames("job", "kind").register(registry);
    finished = Counter.builder().name("tandem_jobs_finished_total")
        .help("Jobs this node owned that reached a final state")
        .labelNames("job", "state").register(registry);
    jobs = Gauge.builder().name("tandem_jobs")
        .help("Jobs this node owns that are queued or running now")
        .labelNames("state").register(registry);
    mapElementsPending = Gauge.builder().name("tandem_map_elements_pending")
        .help("Elements of this node's running maps and pipelines not settled yet (of those received)")
        .register(registry);
    mapElementsSettled = Counter.builder().name("tandem_map_elements_settled_total")
        .help("Map and pipeline elements settled, by how")
        .labelNames("job", "outcome").register(registry);
    taskRun = Histogram.builder().name("tandem_task_run_seconds")
        .help("Run time of each task (a single job, or a map's chunk) where it ran, as the worker measured it")
        .labelNames("job").classicOnly().classicUpperBounds(SECONDS).register(registry);
    taskQueueWait = Histogram.builder().name("tandem_task_queue_wait_seconds")
        .help("Time a CPU task waited in this node's queue for a free worker slot")
        .labelNames("job").classicOnly().classicUpperBounds(SECONDS).register(registry);
    streamConnections = Gauge.builder().name("tandem_stream_connections")
        .help("Open job-stream WebSockets (GET /jobs/stream)").register(registry);
    dashboardDropped = Counter.builder().name("tandem_dashboard_dropped_total")
        .help("What dashboard pages did not get because they read slower than it came: events (a page gets one a"
            + " second while it keeps up) and tasks (ended faster than a page's events carry them, or pushed out of"
            + " the ring of the last 4,096 first); nothing queues for a slow page")
        .labelNames("what").register(registry);
    httpRequests = Counter.builder().name("tandem_http_requests_total")
        .help("HTTP requests answered, by route (a template) and status")
        .labelNames("method", "route", "status").register(registry);
    GaugeWithCallback.builder().name("tandem_workers")
        .help("Worker processes in the cluster, by membership status")
        .labelNames("status")
        .callback(callback -> {
          if (!inCluster(system)) {
            return; // an actor system of a test, without cluster membership
          }
          Map<String, Integer> byStatus = new HashMap<>();
          for (Member m : Cluster.get(system).state().getMembers()) {
            if (m.hasRole("worker")) {
              byStatus.merge(m.status().toString().toLowerCase(Locale.ROOT), 1, Integer::sum);
            }
          }
          byStatus.forEach((status, count) -> callback.call(count, status));
        })
        .register(registry);
    members = new MemberVitals(registry);
    JvmMetrics.builder().register(registry);
  }

  private static boolean inCluster(ActorSystem<?> system) {
    String provider = system.settings().config().getString("pekko.actor.provider");
    return provider.equals("cluster") || provider.endsWith("ClusterActorRefProvider");
  }

  @Override
  public void changed(JobRecord before, JobRecord after) {
    JobState was = before == null ? null : before.state();
    JobState now = after.state();
    if (before == null) {
      submitted.labelValues(after.job(), after.kind().name().toLowerCase(Locale.ROOT)).inc();
    }
    if (was != now) {
      if (was != null && !was.isFinal()) {
        jobs.labelValues(was.label()).dec();
      }
      if (!now.isFinal()) {
        jobs.labelValues(now.label()).inc();
      } else if (was == null || !was.isFinal()) {
        finished.labelValues(after.job(), now.label()).inc();
        finishedCount.incrementAndGet();
      }
    }
    MapView map = after.map();
    if (map != null) {
      MapView old = before == null ? null : before.map();
      long done = map.done() - (old == null ? 0 : old.done());
      long failed = map.failed() - (old == null ? 0 : old.failed());
      if (done > 0) {
        mapElementsSettled.labelValues(after.job(), "succeeded").inc(done);
      }
      if (failed > 0) {
        mapElementsSettled.labelValues(after.job(), "failed").inc(failed);
      }
      mapElementsPending.inc(pending(after) - (before == null ? 0 : pending(before)));
    }
  }

  private static long pending(JobRecord job) {
    MapView map = job.map();
    if (map == null || job.state().isFinal()) {
      return 0;
    }
    return Math.max(0, (long) map.total() - map.done() - map.failed());
  }

  /** Jobs (and pipeline steps) that ended on this node since it started. */
  public long jobsFinished() {
    return finishedCount.get();
  }

  /** A CPU task left the queue for a worker after waiting this long. */
  public void taskDispatched(String job, double waitedSeconds) {
    taskQueueWait.labelValues(job).observe(waitedSeconds);
  }

  /** A task ended where it ran, after running this long. */
  public void taskRan(String job, double seconds) {
    taskRun.labelValues(job).observe(seconds);
  }

  public void streamOpened() {
    streamConnections.inc();
  }

  public void streamClosed() {
    streamConnections.dec();
  }

  /** A dashboard page missed {@code count} events or tasks (what: events, tasks), dropped rather than queued. */
  public void dashboardDropped(String what, long count) {
    if (count > 0) {
      dashboardDropped.labelValues(what).inc(count);
    }
  }

  public void httpRequest(String method, String route, int status) {
    httpRequests.labelValues(method, route, Integer.toString(status)).inc();
  }

  /**
   * The text Prometheus scrapes, with the members' vitals as they just answered (a member that
   * did not answer is left out of this scrape).
   */
  public byte[] scrape(Map<String, MemberProtocol.MemberDescription> described, Map<String, String> roles) {
    members.update(described, roles);
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The content type of {@link #scrape}'s text (UTF-8). */
  public static String contentType() {
    return PrometheusTextFormatWriter.CONTENT_TYPE;
  }
}
