package tandem.launcher.process;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.node.jobs.JobCatalog;

/** Where user jobs come from: {@code tandem.jobs.dir} (or {@code --jobs}), else the distribution's {@code jobs/}. */
public final class JobsFolder {
  private static final Logger log = LoggerFactory.getLogger("tandem.jobs");

  private JobsFolder() {}

  /** The folder to load jars from, or null when there is none. */
  public static Path of(Config config) {
    String dir = config.getString("tandem.jobs.dir");
    if (!dir.isBlank()) {
      return Path.of(dir).toAbsolutePath();
    }
    return Distribution.home().map(h -> h.resolve("jobs")).filter(Files::isDirectory).orElse(null);
  }

  /** The built-ins and the folder's jobs; each jar or job skipped is logged with its reason. */
  public static JobCatalog catalog(Config config) {
    JobCatalog catalog = JobCatalog.load(of(config), log::warn);
    log.info("jobs: {}", catalog.names());
    return catalog;
  }
}
