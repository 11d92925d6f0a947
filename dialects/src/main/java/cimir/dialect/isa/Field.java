package cimir.dialect.isa;

import java.util.Map;
import java.util.StringJoiner;

/**
 * One field of an instruction: its attribute name, what it holds, where it sits in the 32-bit
 * word and which values it takes. Registers are 5 bits wide; immediates are signed or
 * unsigned as their format says; flags are a set of named bits; an opcode field selects one
 * of an instruction's opcodes (`inputs` of VEC_OP, `offset_mask` of MEM_CPY).
 */
public record Field(String name, Kind kind, int lsb, int width, long min, long max,
    Map<Integer, String> flagNames, String doc) {

  /** What a field holds, which decides how it is checked, printed and encoded. */
  public enum Kind {
    /** A general register r0..r31. */
    REGISTER,
    /** A special register s0..s31. */
    SPECIAL_REGISTER,
    /** An immediate, two's complement when `min` is negative. */
    IMMEDIATE,
    /** A function code naming the operation. */
    FUNCT,
    /** Named one-bit flags; `max` is the mask of the bits that exist. */
    FLAGS,
    /** Part of the opcode: the word's opcode is the base opcode plus `(value - min) << lsb`. */
    OPCODE
  }

  public Field {
    flagNames = Map.copyOf(flagNames);
  }

  /** A general register at bits `lsb + 4 .. lsb`. */
  public static Field register(String name, int lsb, String doc) {
    return new Field(name, Kind.REGISTER, lsb, 5, 0, 31, Map.of(), doc);
  }

  /** A special register at bits `lsb + 4 .. lsb`. */
  public static Field special(String name, int lsb, String doc) {
    return new Field(name, Kind.SPECIAL_REGISTER, lsb, 5, 0, 31, Map.of(), doc);
  }

  /** A two's complement immediate of `width` bits at bit 0. */
  public static Field signedImm(int width, String doc) {
    return new Field("imm", Kind.IMMEDIATE, 0, width, -(1L << (width - 1)),
        (1L << (width - 1)) - 1, Map.of(), doc);
  }

  /** An unsigned immediate of `width` bits at bit 0. */
  public static Field unsignedImm(int width, String doc) {
    return new Field("imm", Kind.IMMEDIATE, 0, width, 0, (1L << width) - 1, Map.of(), doc);
  }

  /** A function code with values `0 .. count - 1` in `width` bits at `lsb`. */
  public static Field funct(int lsb, int width, int count, String doc) {
    return new Field("funct", Kind.FUNCT, lsb, width, 0, count - 1, Map.of(), doc);
  }

  /** Named flag bits (bit number to name); the field spans bits `lsb + width - 1 .. lsb`. */
  public static Field flags(int lsb, int width, Map<Integer, String> names, String doc) {
    long mask = 0;
    for (int bit : names.keySet()) {
      mask |= 1L << bit;
    }
    return new Field("flags", Kind.FLAGS, lsb, width, 0, mask, names, doc);
  }

  /** A value `min .. min + 3` kept in the opcode's bits `lsb + 1 .. lsb`. */
  public static Field opcode(String name, int lsb, long min, String doc) {
    return new Field(name, Kind.OPCODE, lsb, 2, min, min + 3, Map.of(), doc);
  }

  public boolean isRegister() {
    return kind == Kind.REGISTER || kind == Kind.SPECIAL_REGISTER;
  }

  /** Bits of the instruction word this field occupies (none for an opcode field). */
  public int wordMask() {
    return kind == Kind.OPCODE ? 0 : (int) (((1L << width) - 1) << lsb);
  }

  /** Null when `value` is allowed, else what is expected (`expected an integer in 0..31`). */
  public String rangeError(long value) {
    if (kind == Kind.FLAGS) {
      return (value & ~max) == 0 ? null : "expected a combination of the flag bits "
          + describeFlags();
    }
    return value >= min && value <= max ? null : "expected an integer in " + min + ".." + max;
  }

  /** `GRP (32), GRP_I (16)`: the flag names with their values, highest bit first. */
  public String describeFlags() {
    StringJoiner out = new StringJoiner(", ");
    for (int bit = 63; bit >= 0; bit--) {
      if (flagNames.containsKey(bit)) {
        out.add(flagNames.get(bit) + " (" + (1L << bit) + ")");
      }
    }
    return out.toString();
  }
}
