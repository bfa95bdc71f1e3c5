package tandem.launcher.client;

import java.net.URI;

/** No node answered at the URL: it is not running, or the URL is wrong. */
public final class UnreachableException extends RuntimeException {
  public UnreachableException(URI url, String how, Throwable cause) {
    super(describe(url, how, cause), cause);
  }

  /** Never connected: nothing listens there. Connected, then cut off: the node went away meanwhile. */
  private static String describe(URI url, String how, Throwable cause) {
    String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    String where = url + (how.isEmpty() ? "" : " (" + how + ")");
    boolean neverConnected = cause instanceof java.net.ConnectException || cause instanceof java.net.http.HttpConnectTimeoutException;
    return neverConnected
        ? "cannot reach a Tandem node at " + where + ": " + why
        : "the node at " + where + " is gone: the connection broke while waiting for it (" + why + ")";
  }
}
