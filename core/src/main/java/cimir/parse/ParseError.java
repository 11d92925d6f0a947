package cimir.parse;

import cimir.ir.Location;

/** Stops parsing at the first error; the parser turns it into one diagnostic. */
final class ParseError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final transient Location location;

  ParseError(Location location, String message) {
    super(message, null, false, false);
    this.location = location;
  }
}
