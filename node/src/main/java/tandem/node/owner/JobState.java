package tandem.node.owner;

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
}
