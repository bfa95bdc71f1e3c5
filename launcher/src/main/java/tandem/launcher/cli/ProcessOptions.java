package tandem.launcher.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command that starts processes takes. */
final class ProcessOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "HOCON layered over the defaults; passed on to the processes this one starts")
  Path config;

  /** The config file as an absolute path, checked to exist now rather than in a child later. */
  Path configFile() {
    if (config == null) {
      return null;
    }
    if (!Files.isReadable(config)) {
      throw CliException.usage("cannot read --config " + config + "; give an existing HOCON file");
    }
    return config.toAbsolutePath();
  }
}
