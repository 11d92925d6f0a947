package cimir.parse;

import cimir.ir.Location;

/** Stops parsing at the first error; the parser turns it into one diagnostic. */
final class ParseError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final transient Location location;
  transient Location noteLocation;
  String note;

  ParseError(Location location, String message) {
    super(message, null, false, false);
    this.location = location;
  }

  /** Adds a note, such as where a name was defined before. */
  ParseError withNote(Location at, String text) {
    this.noteLocation = at;
    this.note = text;
    return this;
  }
}
