package tandem.node.owner;

/** Who hears about every change of a job's record (the node's metrics); called on the owner's thread. */
public interface JobEvents {
  /** Nobody. */
  JobEvents NONE = (before, after) -> {};

  /** @param before the record it replaces, or null for a job just accepted */
  void changed(JobRecord before, JobRecord after);
}
