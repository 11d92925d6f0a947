package cimir.isa;

/** A malformed instruction word or field; the message says what is wrong, without where. */
public final class IsaFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  public IsaFormatException(String message) {
    super(message);
  }
}
