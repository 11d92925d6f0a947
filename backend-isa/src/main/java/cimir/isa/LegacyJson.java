package cimir.isa;

import cimir.dialect.isa.Instruction;
import cimir.dialect.isa.IsaInst;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one instruction of CIMFlow's older program JSON (ISA 1.0: `class`, `type`, `opcode`
 * and named fields such as `rs1`, `offset`, `input_num`) as cimir's instruction, following
 * cim-sim's version-1 decoder. `rs` stands for `rs1` where older compilers wrote it. A field
 * with no counterpart is a fault unless it is zero, and so is a class or type with no
 * counterpart; nothing is dropped silently. The reference does not describe version 1's WAIT
 * and BARRIER fields; cimir reads them as `rs1`, `rs2` (and `rd`), like the branches.
 */
final class LegacyJson {
  private final JsonNode node;
  private final JsonPath path;
  private final List<JsonFault> faults;
  private final Set<String> used = new HashSet<>(Set.of("class", "type"));
  private final Map<String, Long> values = new HashMap<>();

  private LegacyJson(JsonNode node, JsonPath path, List<JsonFault> faults) {
    this.node = node;
    this.path = path;
    this.faults = faults;
  }

  /** The instruction of `node`, or null after adding faults. */
  static IsaInst read(JsonNode node, JsonPath path, List<JsonFault> faults) {
    return new LegacyJson(node, path, faults).read();
  }

  private IsaInst read() {
    int before = faults.size();
    long cls = get("class");
    long type = get("type");
    Instruction kind = map((int) cls, (int) type);
    if (faults.size() > before) {
      return null;
    }
    if (kind == null) {
      faults.add(new JsonFault(path, "class " + cls + " type " + type + (node.has("opcode")
          ? " opcode " + get("opcode") : "") + " has no isa instruction"));
      return null;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!used.contains(e.getKey()) && !(e.getValue().isNumber()
          && e.getValue().asLong() == 0)) {
        faults.add(new JsonFault(path.field(e.getKey()), "field '" + e.getKey() + "' = "
            + e.getValue() + " of class " + cls + " type " + type + " has no counterpart in "
            + kind));
      }
    }
    if (faults.size() > before) {
      return null;
    }
    IsaInst inst = IsaInst.of(kind, values);
    for (String error : inst.rangeErrors()) {
      faults.add(new JsonFault(path, "as " + kind + ": " + error));
    }
    return faults.size() > before ? null : inst;
  }

  /** The instruction of a class and type, with its fields taken; null if there is none. */
  private Instruction map(int cls, int type) {
    switch (cls) {
      case 0 -> {
        return switch (type) {
          case 0 -> cimMvm();
          case 1 -> flag("group_broadcast", 1)
              .take(Instruction.CIM_CFG, "rs", "rs1", "rt", "rs2");
          case 2 -> flag("outsum", 32).flag("outsum_move", 16)
              .take(Instruction.CIM_OUT, "rs", "rs1", "rt", "rs2", "rd", "rd");
          default -> null;
        };
      }
      case 1 -> {
        values.put("inputs", get("input_num") + 1);
        values.put("funct", get("opcode"));
        return take(Instruction.VEC_OP, "rs", "rs1", "rt", "rs2", "rd", "rd", "re", "rs3");
      }
      case 2 -> {
        return scalar(type, (int) get("opcode"));
      }
      case 6 -> {
        return switch (type) {
          case 0 -> memCpy();
          case 2 -> take(Instruction.SEND, "rs", "rs1", "rt", "rd1", "rd", "rd2", "re",
              "reg_len", "rf", "reg_id");
          case 3 -> take(Instruction.RECV, "rs", "rs1", "rt", "rs2", "rd", "rd", "re",
              "reg_len", "rf", "reg_id");
          default -> null;
        };
      }
      case 7 -> {
        List<Instruction> branches = List.of(Instruction.BEQ, Instruction.BNE, Instruction.BGT,
            Instruction.BLT);
        if (type >= 0 && type < 4) {
          return take(branches.get(type), "rs", "rs1", "rt", "rs2", "imm", "offset");
        }
        return switch (type) {
          case 4 -> take(Instruction.JMP, "imm", "offset");
          case 5 -> take(Instruction.WAIT, "rs", "rs1", "rt", "rs2", "rd", "rd");
          case 6 -> take(Instruction.BARRIER, "rs", "rs1", "rt", "rs2");
          default -> null;
        };
      }
      default -> {
        return null;
      }
    }
  }

  private Instruction cimMvm() {
    if (node.has("accumulate") && get("accumulate") != 1) {
      faults.add(new JsonFault(path.field("accumulate"), "CIM_MVM always accumulates;"
          + " accumulate = " + get("accumulate") + " has no counterpart"));
    }
    return flag("group", 32).flag("group_input_mode", 16).flag("value_sparse", 8)
        .flag("bit_sparse", 4)
        .take(Instruction.CIM_MVM, "rs", "rs1", "rt", "rs2", "re", "rs3", "rf", "rs4");
  }

  private Instruction scalar(int type, int opcode) {
    switch (type) {
      case 0 -> {
        values.put("funct", (long) opcode);
        return take(Instruction.SC_RR, "rs", "rs1", "rt", "rs2", "rd", "rd");
      }
      case 1 -> {
        values.put("funct", (long) opcode);
        return take(Instruction.SC_RI, "rs", "rs1", "rd", "rd", "imm", "imm");
      }
      case 2 -> {
        return switch (opcode) {
          case 0 -> take(Instruction.SC_LD, "rs", "rs1", "rd", "rs2", "imm", "offset");
          case 1 -> take(Instruction.SC_ST, "rs", "rs1", "rt", "rs2", "imm", "offset");
          case 2 -> take(Instruction.SC_LDG, "rs", "rs1", "rd", "rs2", "imm", "offset");
          case 3 -> take(Instruction.SC_STG, "rs", "rs1", "rt", "rs2", "imm", "offset");
          default -> null;
        };
      }
      case 3 -> {
        return switch (opcode) {
          case 0 -> take(Instruction.G_LI, "rd", "rd", "imm", "imm");
          case 1 -> take(Instruction.S_LI, "rd", "rd", "imm", "imm");
          case 2 -> take(Instruction.GS_MOV, "rs", "rs1", "rd", "rs2");
          case 3 -> take(Instruction.SG_MOV, "rs", "rs2", "rd", "rs1");
          default -> null;
        };
      }
      default -> {
        return null;
      }
    }
  }

  private Instruction memCpy() {
    long mask = get("offset_mask") | get("source_offset_mask") << 1
        | get("destination_offset_mask");
    values.put("offset_mask", mask);
    return take(Instruction.MEM_CPY, "rs", "rs1", "rt", "rs2", "rd", "rd", "imm", "offset");
  }

  /** Takes pairs (our field, their field) into the values; returns `kind`. */
  private Instruction take(Instruction kind, String... pairs) {
    for (int i = 0; i < pairs.length; i += 2) {
      String theirs = pairs[i + 1];
      long v = theirs.equals("rs1") && !node.has("rs1") && node.has("rs") ? get("rs")
          : get(theirs);
      values.put(pairs[i], v);
    }
    return kind;
  }

  /** Sets `bit` of `flags` when version 1's one-field flag `theirs` is set. */
  private LegacyJson flag(String theirs, long bit) {
    values.merge("flags", get(theirs) != 0 ? bit : 0, (a, b) -> a | b);
    return this;
  }

  /** The integer field `key` (0 when absent), marked as used; a non-integer is a fault. */
  private long get(String key) {
    used.add(key);
    JsonNode v = node.get(key);
    if (v == null) {
      return 0;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      faults.add(new JsonFault(path.field(key), "expected an integer"));
      return 0;
    }
    return v.asLong();
  }
}
