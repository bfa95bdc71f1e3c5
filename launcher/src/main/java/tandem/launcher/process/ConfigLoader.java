package tandem.launcher.process;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import tandem.launcher.cli.CliException;

/**
 * Builds a process's configuration, highest precedence first: {@code -D} system properties, the
 * command line's options, {@code --config FILE}, the distribution's {@code config/tandem.conf},
 * Tandem's settings for libraries that a reference.conf cannot set ({@code tandem/over-libraries.conf}),
 * then every module's reference.conf.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  public static Config load(Map<String, ?> fromOptions, Path userFile) {
    Config config = ConfigFactory.parseMap(fromOptions);
    if (userFile != null) {
      config = config.withFallback(parse(userFile, "--config"));
    }
    Path shipped = Distribution.home().map(h -> h.resolve("config/tandem.conf")).orElse(null);
    if (shipped != null && Files.isRegularFile(shipped)) {
      config = config.withFallback(parse(shipped, "the distribution's"));
    }
    try {
      return ConfigFactory.systemProperties()
          .withFallback(config)
          .withFallback(ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), "tandem/over-libraries.conf"))
          .withFallback(ConfigFactory.defaultReference())
          .resolve();
    } catch (ConfigException e) {
      throw CliException.usage("bad configuration: " + e.getMessage());
    }
  }

  private static Config parse(Path file, String which) {
    if (!Files.isReadable(file)) {
      throw CliException.usage("cannot read " + which + " config file " + file + "; give an existing HOCON file");
    }
    try {
      return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw CliException.usage("cannot parse " + which + " config file " + file + ": " + e.getMessage());
    }
  }
}
