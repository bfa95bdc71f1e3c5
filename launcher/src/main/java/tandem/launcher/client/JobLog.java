package tandem.launcher.client;

/**
 * A piece of what a job wrote, as {@code GET /jobs/{id}/logs} sends it.
 *
 * @param text what came after the offset asked for (a map's lines begin with {@code [K] }, their
 *     element's index, unless one element was asked for)
 * @param next the offset to ask from next time, for only what comes after this
 * @param state the job's state when this was read: once it is final, nothing more will come
 */
public record JobLog(String text, long next, String state) {
  public boolean jobIsFinal() {
    return switch (state) {
      case "queued", "running" -> false;
      default -> true;
    };
  }
}
