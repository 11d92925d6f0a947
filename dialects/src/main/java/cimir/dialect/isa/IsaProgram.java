package cimir.dialect.isa;

import cimir.ir.Attribute;
import cimir.ir.Block;
import cimir.ir.Location;
import cimir.ir.Operation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A whole program as values: each core's instructions in order, by core id. It converts to
 * and from an `isa.program` op.
 */
public record IsaProgram(SortedMap<Integer, List<IsaInst>> cores) {
  public IsaProgram {
    SortedMap<Integer, List<IsaInst>> copy = new TreeMap<>();
    for (Map.Entry<Integer, List<IsaInst>> e : cores.entrySet()) {
      copy.put(e.getKey(), List.copyOf(e.getValue()));
    }
    cores = Collections.unmodifiableSortedMap(copy);
  }

  /** An empty `isa.program` op with its one block, detached. */
  public static Operation newProgramOp(Location location) {
    Operation program = Operation.create("isa.program", IsaDialect.PROGRAM, List.of(),
        List.of(), null, null, List.of(), 1, location);
    program.region(0).addBlock(new Block());
    return program;
  }

  /** An empty `isa.core {id}` op with its one block, detached. */
  public static Operation newCoreOp(int id, Location location) {
    Operation core = Operation.create("isa.core", IsaDialect.CORE, List.of(), List.of(),
        Attribute.DictionaryAttr.EMPTY.with("id", Attribute.IntegerAttr.i64(id)), null,
        List.of(), 1, location);
    core.region(0).addBlock(new Block());
    return core;
  }

  /** The `isa.program` op holding these cores, every op at `location`. */
  public Operation toOp(Location location) {
    return toOp(location, Map.of());
  }

  /**
   * The `isa.program` op holding these cores at `location`, each instruction at its entry in
   * `origins` (by core, one per instruction: the op it was compiled from), else at `location`.
   */
  public Operation toOp(Location location, Map<Integer, List<Location>> origins) {
    Operation program = newProgramOp(location);
    for (Map.Entry<Integer, List<IsaInst>> e : cores.entrySet()) {
      Operation core = newCoreOp(e.getKey(), location);
      List<Location> at = origins.get(e.getKey());
      List<IsaInst> insts = e.getValue();
      for (int i = 0; i < insts.size(); i++) {
        core.region(0).entryBlock().append(insts.get(i).toOp(at != null ? at.get(i)
            : location));
      }
      program.region(0).entryBlock().append(core);
    }
    return program;
  }

  /** The program an `isa.program` op holds; the op must have verified. */
  public static IsaProgram fromOp(Operation program) {
    SortedMap<Integer, List<IsaInst>> cores = new TreeMap<>();
    for (Operation core : program.region(0).entryBlock()) {
      int id = ((Attribute.IntegerAttr) core.attr("id")).value().intValueExact();
      List<IsaInst> insts = new ArrayList<>();
      if (!core.region(0).isEmpty()) {
        for (Operation op : core.region(0).entryBlock()) {
          insts.add(IsaInst.fromOp(op));
        }
      }
      cores.put(id, insts);
    }
    return new IsaProgram(cores);
  }
}
