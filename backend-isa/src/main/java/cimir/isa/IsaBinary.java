package cimir.isa;

import cimir.dialect.isa.Field;
import cimir.dialect.isa.Instruction;
import cimir.dialect.isa.IsaInst;
import cimir.dialect.isa.IsaProgram;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The 32-bit encoding: the opcode in bits 31..26, each field at its bits (see
 * {@link Instruction}), every other bit zero. A program file is, per core in id order, the
 * core id, the instruction count and the instruction words, each a little-endian 32-bit
 * word.
 */
public final class IsaBinary {
  private IsaBinary() {}

  /** The word of `inst`, whose fields must be in range. */
  public static int encode(IsaInst inst) {
    List<String> errors = inst.rangeErrors();
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(inst.kind() + ": " + errors.get(0));
    }
    int word = inst.opcode() << 26;
    List<Field> fields = inst.kind().fields();
    for (int i = 0; i < fields.size(); i++) {
      Field f = fields.get(i);
      if (f.kind() != Field.Kind.OPCODE) {
        word |= (int) (inst.values().get(i) << f.lsb()) & f.wordMask();
      }
    }
    return word;
  }

  /** The instruction of `word`; an unknown opcode, set unused bits or a bad field throw. */
  public static IsaInst decode(int word) throws IsaFormatException {
    int opcode = word >>> 26;
    Instruction kind = Instruction.ofOpcode(opcode);
    if (kind == null) {
      throw new IsaFormatException("unknown opcode " + opcode);
    }
    int used = 0xfc000000;
    List<Long> values = new ArrayList<>();
    for (Field f : kind.fields()) {
      used |= f.wordMask();
      long raw;
      if (f.kind() == Field.Kind.OPCODE) {
        raw = ((opcode - kind.baseOpcode()) >> f.lsb()) & 3;
        values.add(raw + f.min());
        continue;
      }
      raw = (word & f.wordMask()) >>> f.lsb();
      long value = f.min() < 0 && (raw >> (f.width() - 1)) != 0 ? raw - (1L << f.width()) : raw;
      String error = f.rangeError(value);
      if (error != null) {
        throw new IsaFormatException(kind + " field '" + f.name() + "' is " + value + ": "
            + error);
      }
      values.add(value);
    }
    if ((word & ~used) != 0) {
      throw new IsaFormatException(kind + " has unused bits set: 0x"
          + Integer.toHexString(word & ~used));
    }
    return new IsaInst(kind, values);
  }

  /** The program file of `program`. */
  public static byte[] write(IsaProgram program) {
    int words = 0;
    for (List<IsaInst> core : program.cores().values()) {
      words += 2 + core.size();
    }
    ByteBuffer out = ByteBuffer.allocate(4 * words).order(ByteOrder.LITTLE_ENDIAN);
    for (Map.Entry<Integer, List<IsaInst>> core : program.cores().entrySet()) {
      out.putInt(core.getKey()).putInt(core.getValue().size());
      for (IsaInst inst : core.getValue()) {
        out.putInt(encode(inst));
      }
    }
    return out.array();
  }

  /**
   * The program in a program file; a fault is reported with the byte offset of its word
   * (`word at byte offset 12: unknown opcode 53`).
   */
  public static IsaProgram read(byte[] bytes) throws IsaFormatException {
    if (bytes.length % 4 != 0) {
      throw new IsaFormatException("the file has " + bytes.length
          + " bytes, not a whole number of 32-bit words");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    SortedMap<Integer, List<IsaInst>> cores = new TreeMap<>();
    while (in.hasRemaining()) {
      int at = in.position();
      if (in.remaining() < 8) {
        throw new IsaFormatException("word at byte offset " + at
            + ": a core header needs a core id and an instruction count");
      }
      int id = in.getInt();
      int count = in.getInt();
      if (id < 0 || cores.containsKey(id)) {
        throw new IsaFormatException("word at byte offset " + at + ": core id " + id
            + (id < 0 ? " is negative" : " appears twice"));
      }
      if (count < 0 || count > in.remaining() / 4) {
        throw new IsaFormatException("word at byte offset " + (at + 4) + ": core " + id
            + " claims " + Integer.toUnsignedString(count) + " instructions, but "
            + in.remaining() / 4 + " words remain");
      }
      List<IsaInst> insts = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        int offset = in.position();
        try {
          insts.add(decode(in.getInt()));
        } catch (IsaFormatException e) {
          throw new IsaFormatException("word at byte offset " + offset + " (core " + id
              + ", instruction " + i + "): " + e.getMessage());
        }
      }
      cores.put(id, insts);
    }
    return new IsaProgram(cores);
  }
}
