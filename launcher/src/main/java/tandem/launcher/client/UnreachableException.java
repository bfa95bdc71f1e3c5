package tandem.launcher.client;

import java.net.URI;

/** No node answered at the URL: it is not running, or the URL is wrong. */
public final class UnreachableException extends RuntimeException {
  public UnreachableException(URI url, String how, Throwable cause) {
    super("cannot reach a Tandem node at " + url + (how.isEmpty() ? "" : " (" + how + ")") + ": "
        + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()), cause);
  }
}
