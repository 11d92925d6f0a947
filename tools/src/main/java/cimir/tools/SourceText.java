package cimir.tools;

import cimir.diag.DiagnosticEngine;
import cimir.ir.Location;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a tool's input (a file or `-` for standard input) as UTF-8, with diagnostics. */
final class SourceText {
  private SourceText() {}

  /** The bytes of `name`, or null after reporting why it cannot be read. */
  static byte[] readBytes(String name, InputStream stdin, DiagnosticEngine diag) {
    try {
      return name.equals("-") ? stdin.readAllBytes() : Files.readAllBytes(Path.of(name));
    } catch (NoSuchFileException e) {
      diag.error(new Location.Name(name, null), "could not open input file '" + name
          + "': no such file");
    } catch (IOException | RuntimeException e) {
      diag.error(new Location.Name(name, null), "could not read input file '" + name + "': "
          + e.getMessage());
    }
    return null;
  }

  /** The text of `name`, or null after reporting why it cannot be read. */
  static String read(String name, InputStream stdin, DiagnosticEngine diag) {
    byte[] bytes = readBytes(name, stdin, diag);
    if (bytes == null) {
      return null;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      int bad = firstInvalidUtf8(bytes);
      int line = 1;
      int col = 1;
      for (int i = 0; i < bad; i++) {
        if (bytes[i] == '\n') {
          line++;
          col = 1;
        } else {
          col++;
        }
      }
      diag.error(new Location.FileLineCol(displayName(name), line, col),
          "invalid UTF-8 byte 0x" + Integer.toHexString(bytes[bad] & 0xff).toUpperCase()
              + " at offset " + bad);
      return null;
    }
  }

  static String displayName(String name) {
    return name.equals("-") ? "<stdin>" : name;
  }

  private static int firstInvalidUtf8(byte[] b) {
    int i = 0;
    while (i < b.length) {
      int c = b[i] & 0xff;
      int n = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xe ? 2 : (c >> 3) == 0x1e ? 3 : -1;
      if (n < 0 || i + n >= b.length) {
        return i;
      }
      for (int k = 1; k <= n; k++) {
        if ((b[i + k] & 0xc0) != 0x80) {
          return i;
        }
      }
      i += n + 1;
    }
    return Math.max(0, b.length - 1);
  }
}
