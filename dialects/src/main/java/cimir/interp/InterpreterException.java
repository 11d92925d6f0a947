package cimir.interp;

import cimir.ir.Location;
import cimir.ir.Operation;

/**
 * An op the interpreter cannot evaluate: not a graph op, an unsupported element type, or operands
 * that do not fit it. The message reads `file:line:col: 'graph.relu' op reason`.
 */
public final class InterpreterException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String opName;
  private final transient Location location;
  private final String reason;

  public InterpreterException(Operation op, String reason) {
    super(where(op.location()) + ": '" + op.name() + "' op " + reason);
    this.opName = op.name();
    this.location = op.location();
    this.reason = reason;
  }

  /** The name of the op, e.g. `graph.conv2d`. */
  public String opName() {
    return opName;
  }

  public Location location() {
    return location;
  }

  /** The message without the location and op name, for `op.emitOpError`-style diagnostics. */
  public String reason() {
    return reason;
  }

  private static String where(Location loc) {
    Location.FileLineCol pos = loc == null ? null : loc.filePosition();
    if (pos != null) {
      return pos.file() + ":" + pos.line() + ":" + pos.column();
    }
    return loc instanceof Location.Name n ? n.name() : "<unknown>";
  }
}
