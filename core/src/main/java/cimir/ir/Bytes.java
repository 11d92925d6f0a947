package cimir.ir;

import java.nio.charset.StandardCharsets;

/** Conversions between Java strings and MLIR byte strings (one char per byte). */
public final class Bytes {
  private Bytes() {}

  public static String fromUtf8(String text) {
    return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  public static String toUtf8(String bytes) {
    return new String(bytes.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }
}
