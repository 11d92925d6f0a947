package cimir.lowering.graphtoop;

import cimir.dialect.hw.HardwareModel;
import cimir.dialect.hw.HwArch;
import cimir.dialect.hw.HwException;
import cimir.ir.Operation;
import cimir.pass.PassContext;

/** The chip a pass compiles for: the module's `hw.arch`, else a preset named by an option. */
public final class Hardware {
  private Hardware() {}

  /** The model, or null after a diagnostic. */
  public static HardwareModel of(Operation module, String fallback, PassContext ctx) {
    try {
      HardwareModel hw = HwArch.resolve(module);
      return hw != null ? hw : HwArch.load(fallback);
    } catch (HwException e) {
      ctx.diag().opError(module, "cannot resolve the hardware: " + e.detail());
      return null;
    }
  }
}
