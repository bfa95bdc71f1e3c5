package tandem.launcher.cli;

/** The {@code --on} option: checked before anything is sent, so a typo is a usage mistake. */
final class Placements {
  private Placements() {}

  /** {@code threads}, {@code processes}, or null (where the job's kind says). */
  static String checked(String on) {
    if (on == null || on.equals("threads") || on.equals("processes")) {
      return on;
    }
    throw CliException.usage("--on takes threads (the node's own threads) or processes (worker processes), not '" + on + "'");
  }
}
