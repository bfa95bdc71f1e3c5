package tandem.node.journal;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;
import tandem.node.owner.JobManager;
import tandem.node.owner.JobProtocol;
import tandem.protocol.ValueCodec;

/**
 * Takes over the unfinished jobs of nodes that left the cluster: when this node sees a node
 * removed (downed, or gone), once it is Up itself (which finds the jobs of a whole cluster that
 * was killed and started again), and every {@code tandem.journal.sweep-every}, it looks in the journal for
 * unfinished jobs whose owner is no member, claims each (a conditional update: of nodes that try
 * at once, exactly one wins a job), and hands those it won to its JobManager to run again under
 * their ids. Only once this node is Up: a node still joining does not know every member yet, and
 * would take jobs from live nodes.
 */
public final class Recovery {
  private Recovery() {}

  interface Command {}

  private enum Sweep implements Command { INSTANCE }

  /** This node is Up (the cluster's own view of it may still say otherwise for a moment). */
  private enum Ready implements Command { INSTANCE }

  private record Left(ClusterEvent.MemberRemoved removed) implements Command {}

  private record Swept(int taken, Throwable error) implements Command {}

  /** How the journal names an owner: its address and incarnation, so a node started again is a new owner. */
  public static String owner(UniqueAddress node) {
    return node.address() + "#" + node.longUid();
  }

  public static Behavior<Command> create(JobJournal journal, ActorRef<JobManager.Command> jobs, Duration every) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      Cluster cluster = Cluster.get(context.getSystem());
      cluster.subscriptions().tell(Subscribe.create(
          context.messageAdapter(ClusterEvent.MemberRemoved.class, Left::new), ClusterEvent.MemberRemoved.class));
      // The first sweep as soon as this node is Up: a cluster killed and started again resumes
      // its jobs then, not at the first periodic sweep (sweep-every, 10 s, after the start).
      cluster.subscriptions().tell(Subscribe.create(
          context.messageAdapter(SelfUp.class, up -> Ready.INSTANCE), SelfUp.class));
      timers.startTimerWithFixedDelay(Sweep.INSTANCE, every);
      String me = owner(cluster.selfMember().uniqueAddress());
      // Members this actor heard were removed. The cluster's state is updated by a subscriber of its
      // own, so when MemberRemoved reaches this actor the state may still list the member: without
      // this set that sweep found nothing, and the jobs waited for the next periodic one (up to
      // sweep-every, 10 s, later).
      Set<UniqueAddress> removed = new HashSet<>();
      // A removal seen during a sweep (which may have read the members before it) sweeps once more.
      boolean[] sweeping = {false};
      boolean[] again = {false};
      boolean[] ready = {false};
      Runnable sweepNow = () -> {
        if (sweeping[0]) {
          again[0] = true;
        } else if (isUp(cluster, ready[0])) {
          sweeping[0] = true;
          again[0] = false;
          Set<String> live = liveOwners(cluster, removed, me);
          context.pipeToSelf(CompletableFuture.supplyAsync(() -> sweep(journal, live, me, jobs), journal.readers()),
              (taken, error) -> new Swept(taken == null ? 0 : taken, error));
        }
      };
      return Behaviors.receive(Command.class)
          .onMessage(Left.class, left -> {
            removed.add(left.removed().member().uniqueAddress());
            sweepNow.run();
            return Behaviors.same();
          })
          .onMessage(Ready.class, up -> {
            ready[0] = true;
            sweepNow.run();
            return Behaviors.same();
          })
          .onMessage(Swept.class, swept -> {
            sweeping[0] = false;
            if (swept.error() != null) {
              context.getLog().warn("could not look for jobs to take over in the journal: {}", swept.error().getMessage());
            } else if (swept.taken() > 0) {
              context.getLog().info("took over {} unfinished jobs of nodes that left the cluster", swept.taken());
            }
            if (again[0]) {
              sweepNow.run();
            }
            return Behaviors.same();
          })
          .onMessage(Sweep.class, sweep -> {
            sweepNow.run();
            return Behaviors.same();
          })
          .build();
    }));
  }

  /**
   * Whether this node is Up: as the cluster's view says, or as SelfUp said ({@code toldUp}) while
   * that view still shows the node joining. A node leaving takes no jobs over.
   */
  private static boolean isUp(Cluster cluster, boolean toldUp) {
    MemberStatus status = cluster.selfMember().status();
    return status == MemberStatus.up()
        || toldUp && (status == MemberStatus.joining() || status == MemberStatus.weaklyUp());
  }

  /**
   * The owners whose jobs are not orphans: this node and the nodes the cluster lists, less those
   * this node heard were removed. A removed member never comes back (a node started again is a new
   * incarnation), so it is forgotten once the cluster's state no longer lists it.
   */
  private static Set<String> liveOwners(Cluster cluster, Set<UniqueAddress> removed, String me) {
    Set<String> live = new HashSet<>();
    live.add(me);
    Set<UniqueAddress> listed = new HashSet<>();
    for (Member member : cluster.state().getMembers()) {
      listed.add(member.uniqueAddress());
      if (member.hasRole("node") && !removed.contains(member.uniqueAddress())) {
        live.add(owner(member.uniqueAddress()));
      }
    }
    removed.retainAll(listed);
    return live;
  }

  /**
   * A journal row as the JobManager takes it over: its submission read back (or why it cannot be).
   *
   * @param from whom it is taken from, for its log
   */
  public static JobProtocol.Adopt adoption(JobStore.Row row, String from, int recovered) {
    JsonNode submission = null;
    String notReplayable = row.notReplayable();
    if (notReplayable == null) {
      try {
        submission = ValueCodec.decode(row.submission());
      } catch (RuntimeException e) {
        notReplayable = "its submission in the journal cannot be read (" + e.getMessage() + ")";
      }
    }
    return new JobProtocol.Adopt(row.id(), row.job(), from, submission, notReplayable, recovered);
  }

  /** Claims what it can of the orphans now, and hands each won to the JobManager; how many. */
  private static int sweep(JobJournal journal, Set<String> live, String me, ActorRef<JobManager.Command> jobs) {
    int taken = 0;
    try {
      for (JobStore.Row row : journal.store().orphans(live, 1000)) {
        if (journal.store().claim(row.id(), row.owner(), me)) {
          jobs.tell(adoption(row, row.owner() + ", which left the cluster", row.recovered() + 1));
          taken++;
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    return taken;
  }
}
