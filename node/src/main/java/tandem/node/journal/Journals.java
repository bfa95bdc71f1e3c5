package tandem.node.journal;

import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * A node's journal, if {@code tandem.journal.url} names one: opened on first use, shared by the
 * JobManager (which writes) and the HTTP API (which reads a job no node owns any more), closed
 * with the actor system.
 */
public final class Journals implements Extension {
  public static final ExtensionId<Journals> ID = new ExtensionId<>() {
    @Override
    public Journals createExtension(ActorSystem<?> system) {
      Optional<JobJournal> journal = JobJournal.fromConfig(system.settings().config());
      journal.ifPresent(j -> system.getWhenTerminated().thenRun(j::close));
      return new Journals(journal);
    }
  };

  private final Optional<JobJournal> journal;

  private Journals(Optional<JobJournal> journal) {
    this.journal = journal;
  }

  public static Optional<JobJournal> of(ActorSystem<?> system) {
    return ID.apply(system).journal;
  }
}
