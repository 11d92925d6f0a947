package cimir.dialect.hw;

import cimir.ir.Attribute;
import cimir.ir.DialectAttribute;
import cimir.ir.OpaqueAttr;
import cimir.ir.Operation;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The hardware a module is compiled for: the module attribute
 * `hw.arch = #hw.arch<"NAME|FILE">` or `#hw.arch<"NAME|FILE", "OVERRIDES">`, a preset name or a
 * JSON file (docs/hw-schema.md, or CIMFlow's configuration) and `--arch-set` overrides. A file
 * path is kept as given; a relative one is resolved against the working directory. The text is
 * what `mlir-opt --allow-unregistered-dialect` prints back unchanged. Passes call
 * {@link #resolve(Operation)}.
 */
public final class HwArch {
  private HwArch() {}

  /** The module attribute's name. */
  public static final String ATTR_NAME = "hw.arch";

  /**
   * The parts of `#hw.arch<...>`.
   *
   * @param arch a preset name or a file path
   * @param overrides the `--arch-set` spec, or empty
   */
  public record Spec(String arch, String overrides) {
    public Spec {
      overrides = overrides == null ? "" : overrides;
    }

    /** `#hw.arch<"arch">`, or with the overrides as a second string. */
    public Attribute attr() {
      return HwArch.attr(arch, overrides);
    }

    /** This spec with `more` overrides after its own (later settings win). */
    public Spec plus(String more) {
      if (more == null || more.isBlank()) {
        return this;
      }
      return new Spec(arch, overrides.isBlank() ? more : overrides + "," + more);
    }

    /** The model: the preset or file with the overrides applied, validated. */
    public HardwareModel model() throws HwException {
      return HwOverrides.apply(load(arch), overrides);
    }
  }

  /** `#hw.arch<"arch">`, or `#hw.arch<"arch", "overrides">` when there are overrides. */
  public static Attribute attr(String arch, String overrides) {
    StringBuilder sb = new StringBuilder("hw.arch<");
    quote(sb, arch);
    if (overrides != null && !overrides.isEmpty()) {
      sb.append(", ");
      quote(sb, overrides);
    }
    return new OpaqueAttr(sb.append('>').toString(), null);
  }

  /**
   * The model `module` is compiled for, from its `hw.arch` attribute; null when it has none.
   * The attribute may also be a plain string, the preset or file.
   */
  public static HardwareModel resolve(Operation module) throws HwException {
    Spec spec = spec(module);
    return spec == null ? null : spec.model();
  }

  /** The parts of the module's `hw.arch` attribute; null when it has none. */
  public static Spec spec(Operation module) throws HwException {
    Attribute a = module.attr(ATTR_NAME);
    if (a == null) {
      return null;
    }
    if (a instanceof Attribute.StringAttr s && s.type() == null) {
      return new Spec(s.value(), "");
    }
    if (a instanceof DialectAttribute d && !(a instanceof OpaqueAttr o && o.type() != null)) {
      Spec spec = parse(d.body());
      if (spec != null) {
        return spec;
      }
    }
    throw new HwException(null, "'" + ATTR_NAME + "' must be #hw.arch<\"NAME|FILE\"> or"
        + " #hw.arch<\"NAME|FILE\", \"OVERRIDES\">");
  }

  /** A preset by name, else a file (cimir's schema or CIMFlow's configuration), validated. */
  public static HardwareModel load(String arch) throws HwException {
    var preset = HwPresets.byName(arch);
    if (preset.isPresent()) {
      return preset.get();
    }
    Path file;
    try {
      file = Path.of(arch);
    } catch (InvalidPathException e) {
      file = null;
    }
    boolean looksLikeFile = arch.contains("/") || arch.contains("\\") || arch.endsWith(".json");
    if (file == null || !looksLikeFile && !Files.exists(file)) {
      throw new HwException(null, "unknown hardware '" + arch + "'; expected a preset ("
          + String.join(", ", HwPresets.names()) + ") or a JSON file");
    }
    return HwLoader.load(file);
  }

  /** `hw.arch<"a">` or `hw.arch<"a", "b">` (spaces anywhere between tokens); null otherwise. */
  static Spec parse(String body) {
    String head = "hw.arch<";
    if (!body.startsWith(head) || !body.endsWith(">")) {
      return null;
    }
    Scanner s = new Scanner(body.substring(head.length(), body.length() - 1));
    String arch = s.string();
    if (arch == null) {
      return null;
    }
    String overrides = "";
    s.skipSpaces();
    if (s.peek(',')) {
      s.pos++;
      overrides = s.string();
      if (overrides == null) {
        return null;
      }
    }
    s.skipSpaces();
    return s.pos == s.text.length() ? new Spec(arch, overrides) : null;
  }

  /** Reads MLIR string literals: `\"`, `\\`, `\n`, `\t` and `\XX` (hex) escapes. */
  private static final class Scanner {
    final String text;
    int pos;

    Scanner(String text) {
      this.text = text;
    }

    void skipSpaces() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
    }

    boolean peek(char c) {
      return pos < text.length() && text.charAt(pos) == c;
    }

    /** The next string literal's value, or null. */
    String string() {
      skipSpaces();
      if (!peek('"')) {
        return null;
      }
      pos++;
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      while (pos < text.length()) {
        char c = text.charAt(pos++);
        if (c == '"') {
          return bytes.toString(StandardCharsets.UTF_8);
        }
        if (c != '\\') {
          byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
          if (Character.isHighSurrogate(c) && pos < text.length()) {
            b = text.substring(pos - 1, pos + 1).getBytes(StandardCharsets.UTF_8);
            pos++;
          }
          bytes.writeBytes(b);
          continue;
        }
        if (pos >= text.length()) {
          return null;
        }
        char e = text.charAt(pos++);
        switch (e) {
          case '"', '\\' -> bytes.write(e);
          case 'n' -> bytes.write('\n');
          case 't' -> bytes.write('\t');
          default -> {
            if (pos >= text.length() || Character.digit(e, 16) < 0
                || Character.digit(text.charAt(pos), 16) < 0) {
              return null;
            }
            bytes.write(Character.digit(e, 16) * 16 + Character.digit(text.charAt(pos++), 16));
          }
        }
      }
      return null;
    }
  }

  /** `"s"` with MLIR's escapes: `\"`, `\\`, and `\XX` for control characters. */
  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        sb.append('\\').append(String.format("%02X", (int) c));
      } else {
        sb.append(c);
      }
    }
    sb.append('"');
  }
}
