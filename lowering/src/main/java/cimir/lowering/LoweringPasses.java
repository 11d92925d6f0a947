package cimir.lowering;

import cimir.pass.PassRegistry;
import cimir.lowering.cost.CostReportPass;
import cimir.lowering.graphtoop.GraphToOpPass;
import cimir.transforms.canonicalize.CanonicalizePass;
import cimir.transforms.place.PlacePass;
import cimir.transforms.quantize.QuantizePass;
import cimir.lowering.metatoisa.MetaToIsaPass;
import cimir.lowering.optometa.OpToMetaPass;
import cimir.transforms.segment.ModeAllocPass;
import cimir.transforms.segment.SegmentPass;
import cimir.transforms.segment.SegmentReportPass;

/** Registers the passes of the lowering module. */
public final class LoweringPasses {
  private LoweringPasses() {}

  /** The IR stages the lowering passes need or produce. */
  public static java.util.List<cimir.pass.Stage> stages() {
    return java.util.List.of(SegmentPass.SEGMENTED, OpToMetaPass.META, MetaToIsaPass.ISA);
  }

  public static void registerPasses(PassRegistry registry) {
    registry.register(CanonicalizePass.INFO);
    registry.register(QuantizePass.INFO);
    registry.register(GraphToOpPass.INFO);
    registry.register(CostReportPass.INFO);
    registry.register(SegmentPass.INFO);
    registry.register(ModeAllocPass.INFO);
    registry.register(SegmentReportPass.INFO);
    registry.register(PlacePass.INFO);
    registry.register(OpToMetaPass.INFO);
    registry.register(MetaToIsaPass.INFO);
    // From an imported graph to per-core programs, through an int8 graph. CIMFlow and CMSwitch
    // both cut stages from a topological order (max-states=1: ranges only).
    registry.registerPipeline("cimflow", "CIMFlow's flow: stages as ranges of a topological"
        + " order, weight duplication, no memory mode",
        "canonicalize,quantize,graph-to-op,segment{policy=all-compute max-states=1},"
            + "mode-alloc{policy=all-compute},place,op-to-meta,meta-to-isa");
    registry.registerPipeline("cmswitch", "CMSwitch's flow: stages as ranges of a topological"
        + " order, arrays in compute or memory mode by a MIP",
        "canonicalize,quantize,graph-to-op,segment{max-states=1},mode-alloc,place,op-to-meta,"
            + "meta-to-isa");
    registry.registerPipeline("default", "everything cimir does: stages as any dependency-closed"
        + " sets, memory mode, placement by search",
        "canonicalize,quantize,graph-to-op,segment,mode-alloc,place,op-to-meta,meta-to-isa");
  }
}
