package tandem.launcher.cli;

/** Ends a command with a one-line message (which says what to do) and an exit code. */
public final class CliException extends RuntimeException {
  private final int exitCode;

  public CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public static CliException usage(String message) {
    return new CliException(ExitCodes.USAGE, message);
  }

  public int exitCode() {
    return exitCode;
  }
}
