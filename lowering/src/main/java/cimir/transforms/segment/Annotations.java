package cimir.transforms.segment;

import cimir.dialect.graph.GraphAttrs;
import cimir.ir.Attribute;
import cimir.ir.Operation;
import cimir.lowering.alloc.Allocated;
import cimir.lowering.alloc.StageProblem;
import java.util.BitSet;
import java.util.List;

/**
 * Writes an allocation onto the IR: per operator its copies, compute and memory-mode arrays,
 * cores and latency; per segment the totals, switches, predicted cost and how it was solved.
 * `segment` writes the allocation it costed, `mode-alloc` the one it solved.
 */
final class Annotations {
  private Annotations() {}

  static void write(Operation segment, List<Operation> members, BitSet stage, StageProblem p,
      Allocated a) {
    StageProblem.Choice c = a.choice();
    List<List<Integer>> pred = p.predecessors();
    int local = 0;
    for (int i = stage.nextSetBit(0); i >= 0; i = stage.nextSetBit(i + 1), local++) {
      Operation op = members.get(i);
      long u = c.copies()[local];
      long fed = c.buffers()[local];
      for (int q : pred.get(local)) {
        fed += c.buffers()[q];
      }
      op.setAttr("alloc.copies", GraphAttrs.i64(u));
      op.setAttr("alloc.compute_arrays", GraphAttrs.i64(u * p.ops().get(local).arraysPerCopy()));
      op.setAttr("alloc.memory_arrays", GraphAttrs.i64(c.buffers()[local]));
      op.setAttr("alloc.cores", GraphAttrs.i64(p.cores(local, u)));
      op.setAttr("alloc.latency", Attribute.FloatAttr.f64(p.latency(local, u, fed)));
    }
    StageProblem.Figures f = a.figures();
    segment.setAttr("alloc.compute_arrays", GraphAttrs.i64(f.computeArrays()));
    segment.setAttr("alloc.memory_arrays", GraphAttrs.i64(f.memoryArrays()));
    segment.setAttr("alloc.cores", GraphAttrs.i64(f.cores()));
    segment.setAttr("alloc.switches", GraphAttrs.i64(f.switches()));
    segment.setAttr("alloc.period", Attribute.FloatAttr.f64(f.period()));
    segment.setAttr("alloc.latency", Attribute.FloatAttr.f64(f.latencyCost()));
    segment.setAttr("alloc.energy", Attribute.FloatAttr.f64(f.energyCost()));
    segment.setAttr("alloc.transition_cycles", Attribute.FloatAttr.f64(f.transitionCycles()));
    segment.setAttr("alloc.transition_energy", Attribute.FloatAttr.f64(f.transitionPj()));
    segment.setAttr("alloc.status", Attribute.StringAttr.of(
        a.status().name().toLowerCase(java.util.Locale.ROOT)));
    segment.setAttr("alloc.gap", Attribute.FloatAttr.f64(a.gap()));
    segment.setAttr("alloc.method", Attribute.StringAttr.of(a.method()));
  }
}
