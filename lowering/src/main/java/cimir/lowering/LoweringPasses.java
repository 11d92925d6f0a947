package cimir.lowering;

import cimir.pass.PassRegistry;
import cimir.lowering.cost.CostReportPass;
import cimir.lowering.graphtoop.GraphToOpPass;
import cimir.transforms.canonicalize.CanonicalizePass;
import cimir.transforms.quantize.QuantizePass;

/** Registers the passes of the lowering module. */
public final class LoweringPasses {
  private LoweringPasses() {}

  public static void registerPasses(PassRegistry registry) {
    registry.register(CanonicalizePass.INFO);
    registry.register(QuantizePass.INFO);
    registry.register(GraphToOpPass.INFO);
    registry.register(CostReportPass.INFO);
  }
}
