package cimir.isa;

import cimir.dialect.isa.Field;
import cimir.dialect.isa.IsaInst;
import cimir.dialect.isa.IsaProgram;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Writes CIMFlow's program JSON (ISA 3.0): an object with one array per core id, each
 * instruction an object `{"opcode": 44, "rd": 1, "imm": 1024}` with its opcode, its fields by
 * name and its set flags as `"GRP": true`, one instruction per line.
 */
public final class IsaJsonWriter {
  private IsaJsonWriter() {}

  public static String write(IsaProgram program) {
    StringBuilder out = new StringBuilder("{");
    String coreSeparator = "\n";
    for (Map.Entry<Integer, List<IsaInst>> core : program.cores().entrySet()) {
      out.append(coreSeparator).append("  \"").append(core.getKey()).append("\": [");
      String separator = "\n";
      for (IsaInst inst : core.getValue()) {
        out.append(separator).append("    ").append(write(inst));
        separator = ",\n";
      }
      out.append(core.getValue().isEmpty() ? "]" : "\n  ]");
      coreSeparator = ",\n";
    }
    return out.append(program.cores().isEmpty() ? "}\n" : "\n}\n").toString();
  }

  /** One instruction object. */
  public static String write(IsaInst inst) {
    StringJoiner out = new StringJoiner(", ", "{", "}");
    out.add("\"opcode\": " + inst.opcode());
    List<Field> fields = inst.kind().fields();
    for (int i = 0; i < fields.size(); i++) {
      Field f = fields.get(i);
      long v = inst.values().get(i);
      switch (f.kind()) {
        case OPCODE -> { } // in the opcode
        case FLAGS -> {
          for (int bit = f.width() - 1; bit >= 0; bit--) {
            if ((v >> bit & 1) != 0) {
              out.add("\"" + f.flagNames().get(bit) + "\": true");
            }
          }
        }
        default -> out.add("\"" + f.name() + "\": " + v);
      }
    }
    return out.toString();
  }
}
