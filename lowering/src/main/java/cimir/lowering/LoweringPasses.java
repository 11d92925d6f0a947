package cimir.lowering;

import cimir.pass.PassRegistry;
import cimir.lowering.cost.CostReportPass;
import cimir.lowering.graphtoop.GraphToOpPass;
import cimir.transforms.canonicalize.CanonicalizePass;
import cimir.transforms.place.PlacePass;
import cimir.transforms.quantize.QuantizePass;
import cimir.lowering.optometa.OpToMetaPass;
import cimir.transforms.segment.ModeAllocPass;
import cimir.transforms.segment.SegmentPass;
import cimir.transforms.segment.SegmentReportPass;

/** Registers the passes of the lowering module. */
public final class LoweringPasses {
  private LoweringPasses() {}

  /** The IR stages the lowering passes need or produce. */
  public static java.util.List<cimir.pass.Stage> stages() {
    return java.util.List.of(SegmentPass.SEGMENTED, OpToMetaPass.META);
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
  }
}
