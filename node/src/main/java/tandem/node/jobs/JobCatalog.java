package tandem.node.jobs;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import tandem.protocol.job.Job;

/** Every job this process can run, found with {@link ServiceLoader}, by name. */
public final class JobCatalog {
  private final Map<String, Job> byName;

  private JobCatalog(Map<String, Job> byName) {
    this.byName = byName;
  }

  /** The jobs listed in {@code META-INF/services/tandem.protocol.job.Job} on the class path. */
  public static JobCatalog load() {
    Map<String, Job> jobs = new TreeMap<>();
    for (Job job : ServiceLoader.load(Job.class)) {
      Job earlier = jobs.putIfAbsent(job.name(), job);
      if (earlier != null) {
        throw new IllegalStateException(
            "two jobs are named '" + job.name() + "': " + earlier.getClass().getName() + " and "
                + job.getClass().getName());
      }
    }
    return new JobCatalog(jobs);
  }

  public Optional<Job> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public Collection<Job> all() {
    return byName.values();
  }

  /** {@code factorial, http-get, ...}: for error messages about unknown jobs. */
  public String names() {
    return String.join(", ", byName.keySet());
  }
}
