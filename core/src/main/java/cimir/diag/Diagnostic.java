package cimir.diag;

import cimir.ir.Location;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** One diagnostic: a severity, a location, a message and attached notes. */
public final class Diagnostic {
  private final Severity severity;
  private final Location location;
  private final String message;
  private final List<Diagnostic> notes = new ArrayList<>();

  public Diagnostic(Severity severity, Location location, String message) {
    this.severity = severity;
    this.location = location;
    this.message = message;
  }

  public Severity severity() {
    return severity;
  }

  public Location location() {
    return location;
  }

  public String message() {
    return message;
  }

  public List<Diagnostic> notes() {
    return Collections.unmodifiableList(notes);
  }

  /** Attaches a note and returns this diagnostic, so notes chain. */
  public Diagnostic attachNote(Location at, String text) {
    notes.add(new Diagnostic(Severity.NOTE, at, text));
    return this;
  }
}
