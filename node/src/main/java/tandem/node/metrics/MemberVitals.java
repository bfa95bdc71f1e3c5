package tandem.node.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import tandem.protocol.MemberProtocol;
import tandem.protocol.Vitals;

/**
 * Every member's own JVM figures (nodes and workers, labelled {@code member}, {@code role} and
 * {@code pid}), as they answered just before the scrape: scraping one node is enough to see the
 * whole cluster's processes.
 */
final class MemberVitals {
  /** One member's answer with the role it has in the cluster. */
  private record Seen(String role, MemberProtocol.MemberDescription described) {}

  private volatile List<Seen> seen = List.of();

  MemberVitals(PrometheusRegistry registry) {
    gauge(registry, "tandem_member_resident_memory_bytes", "Resident memory (RSS) of each member process", v -> v.rssBytes());
    gauge(registry, "tandem_member_heap_used_bytes", "Heap in use in each member's JVM", v -> v.heapUsedBytes());
    gauge(registry, "tandem_member_heap_committed_bytes", "Heap each member's JVM holds", v -> v.heapCommittedBytes());
    gauge(registry, "tandem_member_heap_max_bytes", "Each member's heap limit", v -> v.heapMaxBytes());
    gauge(registry, "tandem_member_threads", "Live JVM threads of each member", v -> v.threads());
    gauge(registry, "tandem_member_slots", "Tasks each member runs at once (a worker's compute threads; 0 for a node)", v -> v.slots());
    gauge(registry, "tandem_member_tasks_running", "Tasks each member runs now", v -> v.tasksRunning());
    gauge(registry, "tandem_member_start_time_seconds", "When each member's JVM started (Unix time)", v -> v.startedAtMillis() / 1e3);
    counter(registry, "tandem_member_cpu_seconds_total", "CPU time each member process used (user and system)", v -> v.cpuNanos() / 1e9);
    counter(registry, "tandem_member_gc_collections_total", "Garbage collections in each member's JVM", v -> v.gcCount());
    counter(registry, "tandem_member_gc_seconds_total", "Time each member's JVM spent collecting garbage", v -> v.gcMillis() / 1e3);
    counter(registry, "tandem_member_tasks_run_total", "Tasks each member finished", v -> v.tasksRun());
  }

  void update(Map<String, MemberProtocol.MemberDescription> described, Map<String, String> roles) {
    seen = described.values().stream()
        .filter(d -> d.vitals() != null)
        .map(d -> new Seen(roles.getOrDefault(d.address(), "unknown"), d))
        .toList();
  }

  private void gauge(PrometheusRegistry registry, String name, String help, ToDoubleFunction<Vitals> value) {
    GaugeWithCallback.builder().name(name).help(help).labelNames("member", "role", "pid")
        .callback(callback -> each(value, callback::call))
        .register(registry);
  }

  private void counter(PrometheusRegistry registry, String name, String help, ToDoubleFunction<Vitals> value) {
    CounterWithCallback.builder().name(name).help(help).labelNames("member", "role", "pid")
        .callback(callback -> each(value, callback::call))
        .register(registry);
  }

  private interface Sink {
    void call(double value, String... labelValues);
  }

  /** Each member's figure, leaving out those it could not read (negative: unknown). */
  private void each(ToDoubleFunction<Vitals> value, Sink sink) {
    for (Seen s : seen) {
      double v = value.applyAsDouble(s.described().vitals());
      if (v >= 0) {
        sink.call(v, s.described().address(), s.role(), Long.toString(s.described().pid()));
      }
    }
  }
}
