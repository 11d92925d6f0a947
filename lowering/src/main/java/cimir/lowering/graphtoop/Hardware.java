package cimir.lowering.graphtoop;

import cimir.dialect.hw.HardwareModel;
import cimir.dialect.hw.HwArch;
import cimir.dialect.hw.HwException;
import cimir.ir.Operation;
import cimir.pass.PassContext;
import cimir.pass.PassOption;

/** The chip a pass compiles for: the module's `hw.arch`, else a preset named by an option. */
public final class Hardware {
  private Hardware() {}

  /** The `arch` option of passes that need a chip. */
  public static final PassOption ARCH_OPTION = PassOption.string("arch", "cimflow",
      "the chip (a preset) when the module has no hw.arch attribute");

  /** The `data-inputs` option: which function arguments are inputs, which weights. */
  public static final PassOption DATA_INPUTS_OPTION = PassOption.count("data-inputs", 1,
      "leading function arguments that are the network's inputs; the others are weights");

  /**
   * The `batch` option of `segment`, `mode-alloc` and `meta-to-isa`: one value for all three,
   * so that the program runs the batch its stages were cut and allocated for.
   */
  public static final PassOption BATCH_OPTION = PassOption.positive("batch", 1, 4096,
      "inferences the program runs, one after another through each stage (its weights loaded"
          + " once); give segment, mode-alloc and meta-to-isa the same value");

  /** The model, or null after a diagnostic, with the pass marked failed. */
  public static HardwareModel of(Operation module, String fallback, PassContext ctx) {
    try {
      HardwareModel hw = HwArch.resolve(module);
      return hw != null ? hw : HwArch.load(fallback);
    } catch (HwException e) {
      ctx.diag().opError(module, "cannot resolve the hardware: " + e.detail());
      ctx.fail();
      return null;
    }
  }
}
