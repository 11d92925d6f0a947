package cimir.lowering.onnx;

/**
 * A well-formed ONNX model that cimir cannot import: where (a node with its index, name and
 * op type, or a graph input or initializer) and why.
 */
public final class OnnxImportException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String where;

  public OnnxImportException(String where, String message) {
    super(message, null, false, false);
    this.where = where;
  }

  public String where() {
    return where;
  }

  /** `file: error: in node #3 'conv1' (Conv): message`, the binary-input form of a diagnostic. */
  public String format(String file) {
    return file + ": error: in " + where + ": " + getMessage();
  }
}
