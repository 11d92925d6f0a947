package cimir.isa;

import cimir.dialect.isa.Field;
import cimir.dialect.isa.IsaInst;
import cimir.dialect.isa.IsaProgram;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Prints a program as assembly: a `# core N` header per core, then one instruction per line,
 * `MNEMONIC operands` with the operands in field order (general registers `r5`, special
 * registers `s5`, immediates in decimal) followed by the names of the flags that are set.
 */
public final class IsaAsmPrinter {
  private IsaAsmPrinter() {}

  public static String print(IsaProgram program) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<Integer, List<IsaInst>> core : program.cores().entrySet()) {
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append("# core ").append(core.getKey()).append('\n');
      for (IsaInst inst : core.getValue()) {
        out.append(print(inst)).append('\n');
      }
    }
    return out.toString();
  }

  /** One instruction: `G_LI r1, 1024`. */
  public static String print(IsaInst inst) {
    StringJoiner operands = new StringJoiner(", ");
    List<Field> fields = inst.kind().fields();
    for (int i = 0; i < fields.size(); i++) {
      Field f = fields.get(i);
      long v = inst.values().get(i);
      switch (f.kind()) {
        case REGISTER -> operands.add("r" + v);
        case SPECIAL_REGISTER -> operands.add("s" + v);
        case IMMEDIATE -> operands.add(Long.toString(v));
        case FLAGS -> {
          for (int bit = f.width() - 1; bit >= 0; bit--) {
            if ((v >> bit & 1) != 0) {
              operands.add(f.flagNames().get(bit));
            }
          }
        }
        case FUNCT, OPCODE -> { } // in the mnemonic
      }
    }
    String text = operands.toString();
    return Mnemonics.of(inst) + (text.isEmpty() ? "" : " " + text);
  }
}
