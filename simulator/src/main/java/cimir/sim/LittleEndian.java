package cimir.sim;

/** Two's complement integers of 1, 2, 4 or 8 bytes, little-endian, in byte arrays. */
final class LittleEndian {
  private LittleEndian() {}

  /** The signed integer of `bytes` bytes at `at`. */
  static long read(byte[] b, int at, int bytes) {
    long v = 0;
    for (int i = bytes - 1; i >= 0; i--) {
      v = v << 8 | (b[at + i] & 0xff);
    }
    int unused = 64 - 8 * bytes;
    return v << unused >> unused;
  }

  /** Writes the low `bytes` bytes of `v` at `at`: the value wraps to that width. */
  static void write(byte[] b, int at, int bytes, long v) {
    for (int i = 0; i < bytes; i++) {
      b[at + i] = (byte) (v >> 8 * i);
    }
  }

  static int readInt(byte[] b, int at) {
    return (int) read(b, at, 4);
  }

  static float readFloat(byte[] b, int at) {
    return Float.intBitsToFloat(readInt(b, at));
  }

  static void writeFloat(byte[] b, int at, float v) {
    write(b, at, 4, Float.floatToRawIntBits(v));
  }
}
