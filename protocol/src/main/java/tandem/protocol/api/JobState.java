package tandem.protocol.api;

/** Where a job is in its life; the last four are final. */
public enum JobState {
  QUEUED("queued"),
  RUNNING("running"),
  SUCCEEDED("succeeded"),
  FAILED("failed"),
  CANCELLED("cancelled"),
  TIMED_OUT("timed-out");

  private final String label;

  JobState(String label) {
    this.label = label;
  }

  /** The name users and JSON see. */
  public String label() {
    return label;
  }

  public boolean isFinal() {
    return this != QUEUED && this != RUNNING;
  }

  /** Whether a state as JSON shows it ({@code succeeded}, ...) is final; unknown text is not. */
  public static boolean isFinal(String label) {
    for (JobState state : values()) {
      if (state.label.equals(label)) {
        return state.isFinal();
      }
    }
    return false;
  }
}
