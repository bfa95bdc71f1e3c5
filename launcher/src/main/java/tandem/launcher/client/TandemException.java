package tandem.launcher.client;

/** A node answered with an error: {@code status} is the HTTP status, the message its one-line reason. */
public class TandemException extends RuntimeException {
  private final int status;

  public TandemException(int status, String reason) {
    super(reason);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
