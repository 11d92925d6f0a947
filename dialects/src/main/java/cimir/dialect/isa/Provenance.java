package cimir.dialect.isa;

import cimir.ir.Attribute;
import cimir.ir.Operation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which operator each instruction of a program was compiled from, by the names in its
 * location (meta-to-isa gives every instruction the location of the op it lowers: an ONNX
 * node's name, or "conv, relu" for a fused pair). Instructions whose location names nothing
 * (a file position, `unknown`: a stage's barrier, a program read from text without
 * `--mlir-print-debuginfo`) belong to no operator.
 *
 * @param operators the operators' names, in order of first appearance (core by core)
 * @param byCore per core id, per instruction, an index into `operators` or -1
 */
public record Provenance(List<String> operators, Map<Integer, int[]> byCore) {
  /** A program whose instructions belong to no operator. */
  public static final Provenance NONE = new Provenance(List.of(), Map.of());

  public Provenance {
    operators = List.copyOf(operators);
    Map<Integer, int[]> copy = new HashMap<>();
    byCore.forEach((core, ops) -> copy.put(core, ops.clone()));
    byCore = Map.copyOf(copy);
  }

  /** The provenance of the instructions of an `isa.program` op. */
  public static Provenance of(Operation program) {
    Map<String, Integer> index = new LinkedHashMap<>();
    Map<Integer, int[]> byCore = new HashMap<>();
    for (Operation core : program.region(0).entryBlock()) {
      int id = ((Attribute.IntegerAttr) core.attr("id")).value().intValueExact();
      List<Integer> ops = new ArrayList<>();
      if (!core.region(0).isEmpty()) {
        for (Operation inst : core.region(0).entryBlock()) {
          String name = inst.location() == null ? null : inst.location().names();
          ops.add(name == null ? -1 : index.computeIfAbsent(name, k -> index.size()));
        }
      }
      byCore.put(id, ops.stream().mapToInt(Integer::intValue).toArray());
    }
    return index.isEmpty() ? NONE : new Provenance(new ArrayList<>(index.keySet()), byCore);
  }

  /** The operator index of instruction `pc` of `core`, or -1. */
  public int operatorOf(int core, int pc) {
    int[] ops = byCore.get(core);
    return ops == null || pc >= ops.length ? -1 : ops[pc];
  }

  /** Per instruction of `core`, its operator index or -1; `length` entries. */
  public int[] ofCore(int core, int length) {
    int[] ops = byCore.get(core);
    int[] out = new int[length];
    Arrays.fill(out, -1);
    if (ops != null) {
      System.arraycopy(ops, 0, out, 0, Math.min(length, ops.length));
    }
    return out;
  }
}
