package tandem.node;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import tandem.protocol.job.BadInputException;

/** Turns a failure into the one line a user sees as a job's error. */
public final class Errors {
  private Errors() {}

  public static String describe(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    if (cause instanceof BadInputException) {
      return message;
    }
    String type = cause.getClass().getSimpleName();
    return message == null || message.isBlank() ? type : type + ": " + firstLine(message);
  }

  private static String firstLine(String text) {
    int end = text.indexOf('\n');
    return end < 0 ? text : text.substring(0, end);
  }
}
