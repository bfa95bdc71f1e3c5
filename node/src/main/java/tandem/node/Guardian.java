package tandem.node;

import java.util.Optional;
import tandem.node.http.SubmissionReader;
import tandem.node.journal.JobJournal;
import tandem.node.journal.Journals;
import tandem.node.journal.Recovery;

import tandem.node.logs.TaskOutput;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Directives;
import tandem.node.http.DashboardRoutes;
import tandem.node.http.HttpServer;
import tandem.node.http.JobRoutes;
import tandem.node.http.NodeRoutes;
import tandem.node.io.HttpGetPolicy;
import tandem.node.io.IoRunner;
import tandem.node.io.NodeIoContext;
import tandem.node.jobs.JobCatalog;
import tandem.node.member.MemberInfo;
import tandem.node.member.TaskCounts;
import tandem.node.owner.JobManager;
import tandem.node.owner.JobProtocol;
import tandem.node.pool.WorkerPool;
import tandem.node.scheduler.TaskScheduler;
import tandem.node.pool.WorkerProcessFactory;
import tandem.node.threads.ThreadRunner;
import tandem.node.worker.TaskRunner;
import tandem.node.worker.NodeFinder;
import tandem.node.worker.Worker;

/** The root of a Tandem process: spawns the actors of its cluster role. */
public final class Guardian {
  private Guardian() {}

  public sealed interface Command extends NoSerializationVerificationNeeded permits Bound {}

  private record Bound(ServerBinding binding, Throwable error) implements Command {}

  /** What a node tells the launcher once its HTTP API is serving. */
  public record NodeStarted(String address, String httpUrl) {}

  /**
   * What a stopping worker needs after its tasks: Pekko's leave (Leaving, then Exiting once the
   * leader sees every member agree, a few 1 s gossip rounds, more on a busy machine) and its end.
   * A worker itself waits up to 15 s for Exiting (Pekko's cluster-leave and cluster-exiting phases).
   */
  private static final Duration WORKER_LEAVE = Duration.ofSeconds(20);

  /**
   * A node: the JobManager, its I/O runner, its local workers (if {@code factory} is given and
   * {@code settings.workers() > 0}) and the HTTP API.
   */
  public static Behavior<Command> node(
      NodeSettings settings, JobCatalog all, WorkerProcessFactory factory, CompletableFuture<NodeStarted> started) {
    // Workers know every job; a node accepts the diagnostic ones only when told to.
    JobCatalog catalog = settings.diagnostics() ? all : all.withoutDiagnostics();
    return Behaviors.setup(context -> {
      ActorSystem<Void> system = context.getSystem();
      String address = Cluster.get(system).selfMember().address().toString();
      HttpGetPolicy httpGet = HttpGetPolicy.create(system.settings().config(), settings.httpPort());
      ActorRef<IoRunner.Command> io = context.spawn(
          IoRunner.create(new NodeIoContext(system, settings.dataDir(), settings.wire().maxPayloadBytes(), httpGet),
              settings.wire().maxPayloadBytes()), "io",
          DispatcherSelector.fromConfig("tandem.io-dispatcher"));
      TaskOutput.install(); // what a job prints on the node's threads is its own
      ActorRef<ThreadRunner.Command> threads = context.spawn(
          ThreadRunner.create(new TaskRunner(catalog, settings.wire().maxPayloadBytes(), null, logBytesPerJob(system))), "threads");
      // At WorkerProtocol.NODE_INBOX_PATH, taking worker messages too (its door).
      ActorRef<Object> tasksDoor = context.spawn(
          Behaviors.intercept(TaskScheduler::door, Behaviors.supervise(
                  TaskScheduler.create(settings.wire(), settings.cancelGrace(), threads, Cluster.get(system).manager()))
              .onFailure(SupervisorStrategy.restart().withLimit(3, Duration.ofMinutes(1)))),
          "tasks");
      ActorRef<TaskScheduler.Command> scheduler = tasksDoor.narrow();
      Optional<JobJournal> journal = Journals.of(system);
      SubmissionReader reader = new SubmissionReader(settings, system.settings().config());
      // At NodeProtocol.PEER_PATH, taking other nodes' questions too (its door).
      ActorRef<Object> jobsDoor = context.spawn(
          Behaviors.intercept(JobManager::door, Behaviors.supervise(JobManager.create(catalog, settings, io, scheduler, address,
                  journal, Recovery.owner(Cluster.get(system).selfMember().uniqueAddress()), reader::read))
              .onFailure(SupervisorStrategy.restart().withLimit(3, Duration.ofMinutes(1)))),
          "jobs");
      ActorRef<JobManager.Command> jobs = jobsDoor.narrow();
      journal.ifPresent(j -> context.spawn(Recovery.create(j, jobs, j.settings().sweepEvery()), "recovery"));
      drainOnShutdown(system, jobs, settings.drainDeadline());
      // A pool even for none yet: 'tandem scale' may ask for some later.
      ActorRef<WorkerPool.Command> pool = null;
      if (factory != null) {
        pool = context.spawn(WorkerPool.create(settings.workers(), factory, scheduler), "workers");
        stopWorkersOnShutdown(system, pool, settings.drainDeadline());
      }
      DashboardRoutes dashboard = new DashboardRoutes(system, jobs);
      context.pipeToSelf(HttpServer.start(system, settings, dashboard.page(), Directives.concat(
              new JobRoutes(system, jobs, settings).routes(),
              new NodeRoutes(system, jobs, pool, catalog, settings, address).routes(),
              dashboard.events())),
          Bound::new);
      return Behaviors.receive(Command.class)
          .onMessage(Bound.class, bound -> onBound(context, bound, address, started, httpGet))
          .build();
    });
  }

  private static Behavior<Command> onBound(
      ActorContext<Command> context, Bound bound, String address, CompletableFuture<NodeStarted> started, HttpGetPolicy httpGet) {
    if (bound.error() != null) {
      started.completeExceptionally(bound.error());
      return Behaviors.stopped();
    }
    var local = bound.binding().localAddress();
    httpGet.httpApiBound(local.getPort()); // --http-port 0 picks the port only now
    String url = "http://" + local.getHostString() + ":" + local.getPort();
    context.spawn(MemberInfo.create(url, new TaskCounts(0)), MemberInfo.NAME);
    spawnHeapReturn(context);
    started.complete(new NodeStarted(address, url));
    return Behaviors.same();
  }

  private static void spawnHeapReturn(ActorContext<?> context) {
    Behavior<HeapReturn.Tick> heapReturn = HeapReturn.create(context.getSystem().settings().config());
    if (heapReturn != null) {
      context.spawn(heapReturn, "heap-return");
    }
  }

  /**
   * On a graceful stop, first the node takes no more jobs and lets those it has finish (while its
   * HTTP API still answers about them), up to the drain deadline.
   */
  private static void drainOnShutdown(ActorSystem<Void> system, ActorRef<JobManager.Command> jobs, Duration deadline) {
    CoordinatedShutdown.get(Adapter.toClassic(system)).addTask(
        CoordinatedShutdown.PhaseBeforeServiceUnbind(), "drain-jobs",
        () -> Asks.<JobManager.Command, Done>ask(system, jobs, replyTo -> new JobProtocol.Drain(deadline, replyTo),
                deadline.plusSeconds(10))
            .exceptionally(timeout -> Done.getInstance()));
  }

  /**
   * Then, once the HTTP API is unbound, its workers are asked to stop (SIGTERM) and the node waits
   * until they are gone, before it leaves itself. Each worker finishes the tasks it still runs for
   * other nodes (up to the drain deadline, as any stopping worker does) and leaves the cluster; only
   * one still running after that and {@link #WORKER_LEAVE} is killed. Waiting less (this was 5 s,
   * Pekko's default phase timeout) killed workers that were still running tasks or still Leaving,
   * and a member that dies before it is Exiting is downed: the other nodes listed it as Down.
   */
  private static void stopWorkersOnShutdown(ActorSystem<Void> system, ActorRef<WorkerPool.Command> pool, Duration deadline) {
    Duration grace = deadline.plus(WORKER_LEAVE);
    CoordinatedShutdown.get(Adapter.toClassic(system)).addTask(
        CoordinatedShutdown.PhaseServiceStop(), "stop-local-workers",
        () -> Asks.<WorkerPool.Command, Done>ask(system, pool, replyTo -> new WorkerPool.StopAll(grace, replyTo),
                grace.plusSeconds(5))
            .exceptionally(timeout -> Done.getInstance()));
  }

  /**
   * A stopping worker (SIGTERM: scaled down, or its node stopping) first tells the nodes to send
   * it nothing more and finishes the tasks it has, up to the drain deadline, then leaves.
   */
  private static void finishTasksOnShutdown(ActorSystem<Void> system, ActorRef<Worker.Command> worker, Duration deadline) {
    CoordinatedShutdown.get(Adapter.toClassic(system)).addTask(
        CoordinatedShutdown.PhaseBeforeServiceUnbind(), "finish-running-tasks",
        () -> Asks.<Worker.Command, Done>ask(system, worker, Worker.Retire::new, deadline)
            .exceptionally(timeout -> Done.getInstance()));
  }

  /** What a task keeps of its output until it is sent, and a job in all (tandem.jobs.logs.max-bytes-per-job). */
  private static long logBytesPerJob(ActorSystem<?> system) {
    return system.settings().config().getBytes("tandem.jobs.logs.max-bytes-per-job");
  }

  /** A worker process: the Worker that takes CPU tasks from every node. */
  public static Behavior<Void> worker(WorkerSettings settings, JobCatalog catalog) {
    return Behaviors.setup(context -> {
      long cap = settings.wire().maxPayloadBytes();
      TaskOutput.install(); // what a task prints is its own, not the worker's log's
      TaskRunner runner = new TaskRunner(catalog, cap, new NodeIoContext(context.getSystem(), settings.dataDir(), cap),
          logBytesPerJob(context.getSystem()));
      TaskCounts counts = new TaskCounts(settings.computeThreads());
      ActorRef<Worker.Command> worker = context.spawn(Worker.create(runner, settings, counts), "worker");
      context.spawn(NodeFinder.create(worker), "node-finder");
      context.spawn(MemberInfo.create("", counts), MemberInfo.NAME);
      spawnHeapReturn(context);
      finishTasksOnShutdown(context.getSystem(), worker,
          context.getSystem().settings().config().getDuration("tandem.node.drain-deadline"));
      return Behaviors.empty();
    });
  }
}
