package tandem.launcher.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command that starts processes takes. */
final class ProcessOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "HOCON layered over the defaults; passed on to the processes this one starts")
  Path config;

  @Option(names = "--jobs", paramLabel = "DIR", description = "a folder of jars with user jobs (default: the distribution's jobs/); passed on too")
  Path jobs;

  /** {@code --jobs} as an absolute path, checked to be a folder. */
  Path jobsDir() {
    if (jobs == null) {
      return null;
    }
    if (!Files.isDirectory(jobs)) {
      throw CliException.usage("--jobs " + jobs + " is not a folder; give the folder that holds your job jars");
    }
    return jobs.toAbsolutePath();
  }

  /** {@code --config FILE --jobs DIR}, as given, for the processes this one starts. */
  java.util.List<String> passOn() {
    java.util.List<String> args = new java.util.ArrayList<>();
    if (configFile() != null) {
      args.addAll(java.util.List.of("--config", configFile().toString()));
    }
    if (jobsDir() != null) {
      args.addAll(java.util.List.of("--jobs", jobsDir().toString()));
    }
    return args;
  }

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
