package tandem.protocol.job;

/** The job's input is wrong; the message is one line that says what to change. */
public final class BadInputException extends RuntimeException {
  public BadInputException(String message) {
    super(message);
  }
}
