package tandem.launcher.cli;

/** What {@code tandem} exits with. */
public final class ExitCodes {
  private ExitCodes() {}

  public static final int OK = 0;
  /** The job failed, was cancelled or timed out. */
  public static final int JOB_FAILED = 1;
  /** A usage mistake or bad input. */
  public static final int USAGE = 2;
  /** No node could be reached. */
  public static final int UNREACHABLE = 3;
}
