package cimir.isa;

import cimir.dialect.isa.Field;
import cimir.dialect.isa.Instruction;
import cimir.dialect.isa.IsaInst;
import cimir.dialect.isa.IsaProgram;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads CIMFlow's program JSON: an object with one array of instructions per core id (a
 * `metadata` entry is skipped). An instruction is ISA 3.0's `{"opcode": 44, "rd": 1, "imm":
 * 1024}` (flags as `"GRP": true`) or version 1's `{"class": 2, "type": 3, ...}`, read by
 * {@link LegacyJson}. Every fault is collected with its JSON path.
 */
public final class IsaJsonReader {
  /** Keys CIMFlow writes beside the fields, for people and tools; they carry no meaning. */
  private static final Set<String> ANNOTATIONS = Set.of("asm", "opcode_binary",
      "inst_group_tag");
  /** Field names CIMFlow writes for every instruction, unused ones as 0 or -1. */
  private static final Set<String> ALL_FIELDS = Set.of("rs", "rt", "rd", "re", "rf", "funct",
      "imm");

  private final List<JsonFault> faults = new ArrayList<>();

  private IsaJsonReader() {}

  /** The program, or the faults found in it (the JSON text itself must be well formed). */
  public record Result(IsaProgram program, List<JsonFault> faults) {}

  /** Reads a program; a syntax error throws with its line and column. */
  public static Result read(String text) throws JsonSyntaxException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new JsonSyntaxException(e.getOriginalMessage().split("\n")[0],
          at == null ? 1 : Math.max(1, at.getLineNr()), at == null ? 1
          : Math.max(1, at.getColumnNr()));
    }
    IsaJsonReader reader = new IsaJsonReader();
    IsaProgram program = reader.program(root);
    return new Result(reader.faults.isEmpty() ? program : null, List.copyOf(reader.faults));
  }

  /** Malformed JSON text at a 1-based line and column. */
  public static final class JsonSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final int column;

    JsonSyntaxException(String message, int line, int column) {
      super(message);
      this.line = line;
      this.column = column;
    }

    public int line() {
      return line;
    }

    public int column() {
      return column;
    }
  }

  private IsaProgram program(JsonNode root) {
    SortedMap<Integer, List<IsaInst>> cores = new TreeMap<>();
    if (root == null || !root.isObject()) {
      faults.add(new JsonFault(JsonPath.ROOT, "expected an object with one array of"
          + " instructions per core id"));
      return null;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> core = it.next();
      JsonPath path = JsonPath.ROOT.key(core.getKey());
      if (core.getKey().equals("metadata")) {
        continue;
      }
      if (!core.getKey().matches("0|[1-9]\\d{0,8}")) {
        faults.add(new JsonFault(path, "expected a core id (a non-negative integer) as key"));
        continue;
      }
      if (!core.getValue().isArray()) {
        faults.add(new JsonFault(path, "expected an array of instructions"));
        continue;
      }
      List<IsaInst> insts = new ArrayList<>();
      for (int i = 0; i < core.getValue().size(); i++) {
        IsaInst inst = instruction(core.getValue().get(i), path.index(i));
        if (inst != null) {
          insts.add(inst);
        }
      }
      cores.put(Integer.parseInt(core.getKey()), insts);
    }
    return new IsaProgram(cores);
  }

  private IsaInst instruction(JsonNode node, JsonPath path) {
    if (!node.isObject()) {
      faults.add(new JsonFault(path, "expected an instruction object"));
      return null;
    }
    if (node.has("class")) {
      return LegacyJson.read(node, path, faults);
    }
    JsonNode opcodeNode = node.get("opcode");
    if (opcodeNode == null) {
      faults.add(new JsonFault(path, "expected an 'opcode' (or a version 1 'class')"));
      return null;
    }
    if (!isInteger(opcodeNode, 0, 63)) {
      faults.add(new JsonFault(path.field("opcode"), "expected an integer in 0..63"));
      return null;
    }
    int opcode = opcodeNode.asInt();
    Instruction kind = Instruction.ofOpcode(opcode);
    if (kind == null) {
      faults.add(new JsonFault(path.field("opcode"), "unknown opcode " + opcode));
      return null;
    }
    int before = faults.size();
    List<Long> values = new ArrayList<>();
    for (Field f : kind.fields()) {
      values.add(switch (f.kind()) {
        case OPCODE -> ((opcode - kind.baseOpcode()) >> f.lsb()) + f.min();
        case FLAGS -> flags(node, path, f);
        default -> field(node, path, f, kind);
      });
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      boolean known = key.equals("opcode") || ANNOTATIONS.contains(key)
          || (kind.field(key) != null && kind.field(key).kind() != Field.Kind.OPCODE)
          || isFlag(kind, key)
          || (ALL_FIELDS.contains(key) && (isInteger(e.getValue(), 0, 0)
          || isInteger(e.getValue(), -1, -1)))
          || (e.getValue().isBoolean() && !e.getValue().asBoolean());
      if (!known) {
        faults.add(new JsonFault(path.field(key), kind + " has no field '" + key + "'"));
      }
    }
    return faults.size() > before ? null : new IsaInst(kind, values);
  }

  private long field(JsonNode node, JsonPath path, Field f, Instruction kind) {
    JsonNode v = node.get(f.name());
    if (v == null) {
      faults.add(new JsonFault(path, kind + " needs field '" + f.name() + "'"));
      return 0;
    }
    if (!isInteger(v, f.min(), f.max())) {
      faults.add(new JsonFault(path.field(f.name()), "expected an integer in " + f.min() + ".."
          + f.max()));
      return 0;
    }
    return v.asLong();
  }

  private long flags(JsonNode node, JsonPath path, Field f) {
    long bits = 0;
    for (Map.Entry<Integer, String> flag : f.flagNames().entrySet()) {
      JsonNode v = node.get(flag.getValue());
      if (v == null) {
        continue;
      }
      if (!v.isBoolean() && !isInteger(v, 0, 1)) {
        faults.add(new JsonFault(path.field(flag.getValue()), "expected true or false"));
      } else if (v.isBoolean() ? v.asBoolean() : v.asInt() == 1) {
        bits |= 1L << flag.getKey();
      }
    }
    return bits;
  }

  private static boolean isFlag(Instruction kind, String key) {
    Field flags = kind.field("flags");
    return flags != null && flags.flagNames().containsValue(key);
  }

  private static boolean isInteger(JsonNode v, long min, long max) {
    return v.isIntegralNumber() && v.canConvertToLong() && v.asLong() >= min
        && v.asLong() <= max;
  }
}
