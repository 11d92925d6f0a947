package cimir.isa;

import cimir.dialect.isa.Field;
import cimir.dialect.isa.Instruction;
import cimir.dialect.isa.IsaInst;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Assembly mnemonics. Most instructions are named as in the reference; the funct and the
 * opcode fields are part of the name: `SC_ADD`, `SC_ADDI`, `VEC_ADD_1` (the suffix is the
 * number of inputs minus one), `REDUCE_SUM`, and `MEM_CPY`, `MEM_CPY_D`, `MEM_CPY_S`,
 * `MEM_CPY_SD` for the offset masks 0-3.
 */
final class Mnemonics {
  private static final List<String> MEM_CPY_SUFFIXES = List.of("", "_D", "_S", "_SD");

  /** An instruction kind with the values of the fields its mnemonic implies. */
  record Named(Instruction kind, Map<String, Long> implied) {}

  private static final Map<String, Named> BY_NAME = new HashMap<>();

  static {
    for (Instruction kind : Instruction.values()) {
      Field funct = kind.field("funct");
      Field variant = kind.opcodeField();
      int functs = funct == null ? 1 : kind.functNames().size();
      long variants = variant == null ? 1 : variant.max() - variant.min() + 1;
      for (int f = 0; f < functs; f++) {
        for (long v = 0; v < variants; v++) {
          Map<String, Long> implied = new HashMap<>();
          if (funct != null) {
            implied.put("funct", (long) f);
          }
          if (variant != null) {
            implied.put(variant.name(), variant.min() + v);
          }
          BY_NAME.put(name(kind, f, v), new Named(kind, Map.copyOf(implied)));
        }
      }
    }
  }

  private Mnemonics() {}

  /** The mnemonic of `inst`. */
  static String of(IsaInst inst) {
    Instruction kind = inst.kind();
    int funct = kind.field("funct") == null ? 0 : (int) inst.value("funct");
    Field variant = kind.opcodeField();
    long v = variant == null ? 0 : inst.value(variant.name()) - variant.min();
    return name(kind, funct, v);
  }

  /** The instruction a mnemonic names, or null. */
  static Named lookup(String mnemonic) {
    return BY_NAME.get(mnemonic);
  }

  private static String name(Instruction kind, int funct, long variant) {
    return switch (kind) {
      case SC_RR -> "SC_" + kind.functNames().get(funct);
      case SC_RI -> "SC_" + kind.functNames().get(funct) + "I";
      case VEC_OP -> kind.functNames().get(funct) + "_" + variant;
      case REDUCE -> "REDUCE_" + kind.functNames().get(funct);
      case MEM_CPY -> "MEM_CPY" + MEM_CPY_SUFFIXES.get((int) variant);
      default -> kind.name();
    };
  }
}
