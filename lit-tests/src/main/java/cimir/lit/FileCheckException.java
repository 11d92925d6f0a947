package cimir.lit;

import java.io.PrintStream;

/** A FileCheck error that stops the run with exit status 2, at a check-file location if known. */
final class FileCheckException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient SourceBuffer buffer;
  private final int pos;
  private final boolean blankLineAfter;

  FileCheckException(SourceBuffer buffer, int pos, String message) {
    this(buffer, pos, message, false);
  }

  /** {@code blankLineAfter}: LLVM logs some errors (bad variable names) with an empty line after. */
  FileCheckException(SourceBuffer buffer, int pos, String message, boolean blankLineAfter) {
    super(message);
    this.buffer = buffer;
    this.pos = pos;
    this.blankLineAfter = blankLineAfter;
  }

  FileCheckException(String message) {
    this(null, -1, message);
  }

  void print(PrintStream err) {
    if (buffer == null) {
      SourceBuffer.write(err, "error: " + getMessage() + "\n");
    } else {
      buffer.print(err, pos, "error", getMessage());
    }
    if (blankLineAfter) {
      SourceBuffer.write(err, "\n");
    }
  }
}
