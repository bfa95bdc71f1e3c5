package tandem.node.jobs;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import tandem.protocol.job.Job;

/**
 * Every job this process can run, by name: the built-ins on the class path, and the jobs in each
 * jar of a jobs folder, each jar on a class loader of its own and found with {@link ServiceLoader}.
 * A jar that cannot be loaded, or a job whose name is taken, is reported and skipped: the process
 * starts anyway.
 */
public final class JobCatalog {
  private final Map<String, Job> byName;

  private JobCatalog(Map<String, Job> byName) {
    this.byName = byName;
  }

  /** The jobs listed in {@code META-INF/services/tandem.protocol.job.Job} on the class path. */
  public static JobCatalog load() {
    return load(null, problem -> {
      throw new IllegalStateException(problem);
    });
  }

  /**
   * The built-ins and the jobs in every {@code *.jar} of {@code jobsDir} (if not null).
   *
   * @param problems told, in one line each, about every jar or job that was skipped and why
   */
  public static JobCatalog load(Path jobsDir, Consumer<String> problems) {
    Map<String, Job> jobs = new TreeMap<>();
    for (Job job : ServiceLoader.load(Job.class, JobCatalog.class.getClassLoader())) {
      add(jobs, job, "the class path", problems);
    }
    for (Path jar : jars(jobsDir, problems)) {
      loadJar(jobs, jar, problems);
    }
    return new JobCatalog(jobs);
  }

  private static List<Path> jars(Path dir, Consumer<String> problems) {
    if (dir == null) {
      return List.of();
    }
    if (!Files.isDirectory(dir)) {
      problems.accept("jobs folder " + dir + " does not exist; no user jobs loaded");
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      problems.accept("cannot list the jobs folder " + dir + ": " + e.getMessage());
      return List.of();
    }
  }

  private static void loadJar(Map<String, Job> jobs, Path jar, Consumer<String> problems) {
    // A class loader ignores a corrupt jar without a word; opening it first says what is wrong.
    try (JarFile readable = new JarFile(jar.toFile())) {
      readable.size();
    } catch (IOException e) {
      problems.accept(jar.getFileName() + ": not a readable jar (" + e.getMessage() + "); skipped");
      return;
    }
    URLClassLoader loader;
    try {
      loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, JobCatalog.class.getClassLoader());
    } catch (MalformedURLException e) {
      problems.accept(jar + ": " + e.getMessage() + "; skipped");
      return;
    }
    List<Job> found = new ArrayList<>();
    try {
      // Only this jar's own providers: the parent's (the built-ins) are already in.
      ServiceLoader.load(Job.class, loader).stream()
          .filter(p -> p.type().getClassLoader() == loader)
          .forEach(p -> found.add(p.get()));
    } catch (ServiceConfigurationError | LinkageError e) {
      problems.accept(jar.getFileName() + ": cannot load its jobs (" + rootMessage(e) + "); skipped");
      return;
    }
    if (found.isEmpty()) {
      problems.accept(jar.getFileName() + ": lists no job in META-INF/services/" + Job.class.getName() + "; skipped");
    }
    found.forEach(job -> add(jobs, job, jar.getFileName().toString(), problems));
  }

  private static void add(Map<String, Job> jobs, Job job, String from, Consumer<String> problems) {
    Job earlier = jobs.putIfAbsent(job.name(), job);
    if (earlier != null) {
      problems.accept(from + ": a job named '" + job.name() + "' exists already (" + earlier.getClass().getName()
          + "); " + job.getClass().getName() + " skipped");
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }

  /**
   * This catalog without the diagnostic jobs ({@code hang}, {@code crash}, {@code hog}), which only run when
   * {@code tandem.jobs.diagnostics = on}.
   */
  public JobCatalog withoutDiagnostics() {
    Map<String, Job> kept = new TreeMap<>(byName);
    kept.values().removeIf(job -> job.getClass().getPackageName().equals(DIAGNOSTICS));
    return new JobCatalog(kept);
  }

  private static final String DIAGNOSTICS = "tandem.node.jobs.diagnostic";

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
