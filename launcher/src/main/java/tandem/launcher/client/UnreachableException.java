package tandem.launcher.client;

import java.net.URI;

/** No node answered at the URL: it is not running, or the URL is wrong. */
public final class UnreachableException extends RuntimeException {
  /** @param answeredBefore whether the node answered this client before */
  public UnreachableException(URI url, String how, Throwable cause, boolean answeredBefore) {
    super(describe(url, how, cause, answeredBefore), cause);
    this.answeredBefore = answeredBefore;
  }

  private final boolean answeredBefore;

  /** Whether the node answered before: then it is gone, rather than never there. */
  public boolean answeredBefore() {
    return answeredBefore;
  }

  /**
   * Never answered and cannot be connected to: nothing listens there. Answered before, or cut off
   * mid-request: the node went away meanwhile.
   */
  private static String describe(URI url, String how, Throwable cause, boolean answeredBefore) {
    String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    String where = url + (how.isEmpty() ? "" : " (" + how + ")");
    boolean refused = cause instanceof java.net.ConnectException || cause instanceof java.net.http.HttpConnectTimeoutException;
    if (refused && !answeredBefore) {
      return "cannot reach a Tandem node at " + where + ": " + why;
    }
    return "the node at " + where + " is gone: it " + (refused ? "answered before and now refuses connections" : "cut the connection off")
        + " (" + why + "); a job it owned is lost with it unless you submit it again";
  }
}
