package cimir.lowering.metatoisa;

import cimir.dialect.func.FuncOp;
import cimir.dialect.hw.HardwareModel;
import cimir.ir.Attribute;
import cimir.ir.Block;
import cimir.ir.Operation;
import cimir.lowering.graphtoop.Hardware;
import cimir.lowering.optometa.OpToMetaPass;
import cimir.pass.Pass;
import cimir.pass.PassContext;
import cimir.pass.PassInfo;
import cimir.pass.Stage;
import java.util.List;
import java.util.Set;

/**
 * `meta-to-isa`: per-core instruction streams from each function's `meta.flow` (a full
 * conversion: the flow becomes one `isa.program`, whose operands are what the host places in
 * global memory and whose results the function returns). See {@link FunctionLowering} for the
 * order of work, {@link ProductKernels} for the products on the arrays and {@link
 * VectorKernels} for the vector unit; docs/design/meta-to-isa.md part B for the whole design.
 */
public final class MetaToIsaPass implements Pass {
  /** Holds when every function's work is an `isa.program`. */
  public static final Stage ISA = new Stage("isa", "every function's work in an isa.program",
      m -> {
        boolean[] any = {false};
        m.walk(op -> any[0] |= op.name().equals("isa.program"));
        return any[0];
      });

  public static final PassInfo INFO = new PassInfo("meta-to-isa",
      "generate per-core instruction streams (loops, addresses, registers, synchronisation)"
          + " from meta-operators",
      List.of(Hardware.ARCH_OPTION, Hardware.BATCH_OPTION, Hardware.DATA_INPUTS_OPTION),
      o -> new MetaToIsaPass(o.getString("arch"), (int) o.getInt("batch"),
          (int) o.getInt("data-inputs")));

  private final String arch;
  private final int batch;
  private final int dataInputs;

  public MetaToIsaPass(String arch, int batch, int dataInputs) {
    this.arch = arch;
    this.batch = batch;
    this.dataInputs = dataInputs;
  }

  /** Inferences the programs run. */
  public int batch() {
    return batch;
  }

  @Override
  public Set<Stage> requires() {
    return Set.of(OpToMetaPass.META);
  }

  @Override
  public Set<Stage> produces() {
    return Set.of(ISA);
  }

  @Override
  public void run(Operation module, PassContext ctx) {
    HardwareModel hw = Hardware.of(module, arch, ctx);
    if (hw == null) {
      return;
    }
    for (FuncOp f : FuncOp.definitions(module)) {
      Block body = f.body();
      Operation flow = null;
      for (Operation op : body) {
        if (op.name().equals("meta.flow")) {
          flow = op;
        }
      }
      if (flow == null) {
        continue;
      }
      FunctionLowering lowering = new FunctionLowering(hw, flow, batch, dataInputs);
      Operation program;
      try {
        program = lowering.lower(flow);
      } catch (LoweringException e) {
        ctx.diag().opError(e.op, e.getMessage());
        ctx.fail();
        return;
      }
      Attribute.DictionaryAttr attrs = Attribute.DictionaryAttr.EMPTY
          .with("memory", lowering.image.describe());
      if (batch > 1) {
        attrs = attrs.with("batch", Attribute.IntegerAttr.i64(batch));
      }
      Operation made = Operation.create("isa.program", cimir.dialect.isa.IsaDialect.PROGRAM,
          lowering.operands, flow.resultTypes(), attrs, null, List.of(), 1, flow.location());
      Block code = program.region(0).entryBlock();
      program.region(0).removeBlock(code);
      made.region(0).addBlock(code);
      body.insertBefore(made, flow);
      for (int i = 0; i < flow.numResults(); i++) {
        flow.result(i).replaceAllUsesWith(made.result(i));
      }
      flow.erase();
      if (lowering.image.size() > lowering.image.capacity()) {
        ctx.diag().opWarning(made, "the program's global memory image needs "
            + lowering.image.size() + " bytes, more than the " + lowering.image.capacity()
            + " bytes of the chip's global memory; it runs only where global memory is at least"
            + " that large");
      }
      ctx.count("instructions", lowering.instructions);
      ctx.count("weight copies idle for lack of local memory", lowering.idleCopies);
      ctx.count("global memory bytes", lowering.image.size());
    }
  }
}
