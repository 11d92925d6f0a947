package cimir.lowering.onnx;

/**
 * A malformed ONNX file: where (byte offset and the message path, e.g.
 * `graph.node[3].attribute[1]`) and what was expected.
 */
public final class OnnxFormatException extends Exception {
  private static final long serialVersionUID = 1L;
  private final long offset;
  private final String field;

  public OnnxFormatException(long offset, String field, String message) {
    super(message);
    this.offset = offset;
    this.field = field;
  }

  public long offset() {
    return offset;
  }

  public String field() {
    return field;
  }

  /** `file: error: at byte N (field): message`, the binary-input form of a diagnostic. */
  public String format(String file) {
    return file + ": error: at byte " + offset + " in '" + field + "': " + getMessage();
  }
}
