package tandem.node.owner;

import java.util.Optional;
import tandem.node.jobs.JobCatalog;
import tandem.protocol.job.BadInputException;
import tandem.protocol.job.Job;

/**
 * The job catalog as the job core asks it: the job of a name, or why a submission that names
 * another is refused (the known names, and where to see their parameters). Immutable.
 */
final class KnownJobs {
  private final JobCatalog catalog;

  KnownJobs(JobCatalog catalog) {
    this.catalog = catalog;
  }

  Optional<Job> find(String name) {
    return catalog.find(name);
  }

  /** @throws BadInputException naming the known jobs, when none is called {@code name} */
  Job get(String name) {
    return catalog.find(name).orElseThrow(() -> new BadInputException(unknown(name)));
  }

  String unknown(String name) {
    return "unknown job '" + name + "'; known jobs: " + catalog.names() + " (tandem catalog shows their parameters)";
  }
}
