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

  @Option(names = "--secret-file", paramLabel = "FILE", description = "the cluster's secret, the same for every member "
      + "(default: .tandem/cluster-secret here, which 'tandem up' writes, when it exists); passed on too")
  Path secretFile;

  /**
   * {@code --secret-file} as an absolute path, or the secret of the cluster {@code tandem up}
   * started in this folder, so a node or worker started by hand beside it can join it; null when
   * neither is there.
   */
  Path secretFile() {
    if (secretFile != null) {
      return secretFile.toAbsolutePath();
    }
    Path upSecret = tandem.launcher.local.LocalCluster.defaultDir().resolve(tandem.launcher.process.ClusterSecret.FILE_NAME);
    return Files.isRegularFile(upSecret) ? upSecret : null;
  }

  /** The settings these options give: put into the options a command loads its configuration with. */
  void putSettings(java.util.Map<String, Object> options) {
    if (jobsDir() != null) {
      options.put("tandem.jobs.dir", jobsDir().toString());
    }
    if (secretFile() != null) {
      options.put("tandem.cluster.secret-file", secretFile().toString());
    }
  }

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

  /** {@code --config FILE --jobs DIR --secret-file FILE}, as given, for the processes this one starts. */
  java.util.List<String> passOn() {
    java.util.List<String> args = new java.util.ArrayList<>();
    if (configFile() != null) {
      args.addAll(java.util.List.of("--config", configFile().toString()));
    }
    if (jobsDir() != null) {
      args.addAll(java.util.List.of("--jobs", jobsDir().toString()));
    }
    if (secretFile() != null) {
      args.addAll(java.util.List.of("--secret-file", secretFile().toString()));
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
