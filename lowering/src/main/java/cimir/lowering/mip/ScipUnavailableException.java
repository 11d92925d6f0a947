package cimir.lowering.mip;

/**
 * SCIP's shared library cannot be found or loaded on this machine; the message says why and
 * which OR-Tools jar provides it, so callers can turn it into a diagnostic.
 */
public final class ScipUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  public ScipUnavailableException(String message) {
    super(message);
  }

  public ScipUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
