package cimir.lowering.graphtoop;

import cimir.dialect.graph.GraphDialect;
import cimir.dialect.hw.HardwareModel;
import cimir.ir.OpDef;
import cimir.ir.Operation;
import cimir.lowering.cost.CostModel;
import cimir.pass.Pass;
import cimir.pass.PassContext;
import cimir.pass.PassInfo;
import cimir.rewrite.ConversionPattern;
import cimir.rewrite.ConversionTarget;
import cimir.rewrite.DialectConversion;
import cimir.rewrite.TypeConverter;
import java.util.ArrayList;
import java.util.List;

/**
 * `graph-to-op`: every graph op (constants stay) becomes `op` operators with their demand on
 * the module's chip (`hw.arch`, from `--arch`; the `arch` option when the module names none),
 * splitting products that do not fit ({@link GraphToOp} states the rules).
 */
public final class GraphToOpPass implements Pass {
  /** The options: the chip when the module names none, the cost model, the data inputs. */
  public record Options(String arch, String costModel, int dataInputs) {}

  public static final PassInfo INFO = new PassInfo("graph-to-op",
      "convert graph ops to op-dialect operators with their demand, splitting what does not"
          + " fit the chip",
      List.of(Hardware.ARCH_OPTION, CostModel.OPTION, Hardware.DATA_INPUTS_OPTION),
      o -> new GraphToOpPass(new Options(o.getString("arch"), o.getString("cost-model"),
          (int) o.getInt("data-inputs"))));

  private final Options options;

  public GraphToOpPass(Options options) {
    this.options = options;
  }

  @Override
  public void run(Operation module, PassContext ctx) {
    HardwareModel hw = Hardware.of(module, options.arch(), ctx);
    if (hw == null) {
      return;
    }
    if (module.attr(cimir.dialect.hw.HwArch.ATTR_NAME) == null) {
      // The operators' demands are for this chip: say so, for the passes that follow.
      module.setAttr(cimir.dialect.hw.HwArch.ATTR_NAME,
          cimir.dialect.hw.HwArch.attr(options.arch(), ""));
    }
    CostModel cost = CostModel.byName(options.costModel());
    GraphToOp.Stats stats = new GraphToOp.Stats();
    List<ConversionPattern> patterns = new ArrayList<>();
    for (OpDef def : new GraphDialect().ops()) {
      if (!def.name().equals("graph.constant")) {
        patterns.add(new GraphToOp(def.name(), hw, cost, options.dataInputs(), stats));
      }
    }
    ConversionTarget target = new ConversionTarget().addLegalDialect("op", "func", "builtin")
        .addLegalOp("graph.constant").addIllegalDialect("graph");
    try {
      if (!DialectConversion.applyPartial(ctx.context(), module, target, patterns,
          new TypeConverter())) {
        ctx.fail();
        return;
      }
    } catch (IllegalStateException e) {
      ctx.diag().opError(module, e.getMessage());
      ctx.fail();
      return;
    }
    ctx.count("op.mvm", stats.mvm);
    ctx.count("op.dmm", stats.dmm);
    ctx.count("op.vec", stats.vec);
    ctx.count("op.move", stats.move);
    ctx.count("split-operators", stats.splitOps);
    ctx.count("split-parts", stats.parts);
    ctx.count("depthwise-on-arrays", stats.depthwiseOnArrays);
  }
}
