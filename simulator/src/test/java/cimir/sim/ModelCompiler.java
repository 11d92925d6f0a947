package cimir.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import cimir.dialect.func.FuncOp;
import cimir.dialect.graph.GraphDialect;
import cimir.dialect.hw.HwArch;
import cimir.dialect.isa.IsaDialect;
import cimir.dialect.meta.MetaDialect;
import cimir.dialect.op.OpDialect;
import cimir.ir.Context;
import cimir.ir.Operation;
import cimir.lowering.LoweringPasses;
import cimir.lowering.onnx.OnnxImporter;
import cimir.lowering.onnx.OnnxReader;
import cimir.pass.PassManager;
import cimir.pass.PassRegistry;
import cimir.pass.Pipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The simulator tests' way to a compiled model: import, passes, the `isa.program`. */
public final class ModelCompiler {
  private static final Path MODELS = Path.of("..", "models");

  private ModelCompiler() {}

  /** Every pass and named pipeline of the lowering. */
  public static PassRegistry registry() {
    PassRegistry registry = new PassRegistry();
    LoweringPasses.registerPasses(registry);
    return registry;
  }

  /** The repository model `model` imported into a new context, for the chip `arch`. */
  public static Operation importModel(Context ctx, String model, String arch)
      throws Exception {
    Operation module = OnnxImporter.importModel(ctx,
        OnnxReader.read(Files.readAllBytes(MODELS.resolve(model + ".onnx"))), Map.of());
    module.setAttr(HwArch.ATTR_NAME, HwArch.attr(arch, null));
    return module;
  }

  /** A context with every dialect a compiled model uses. */
  public static Context context() {
    Context ctx = GraphDialect.newContext();
    ctx.register(new OpDialect());
    ctx.register(new MetaDialect());
    ctx.register(new IsaDialect());
    return ctx;
  }

  /** Runs the textual pipeline `passes` on `module`; fails the test with its diagnostics. */
  public static void run(Context ctx, Operation module, String passes) {
    PassManager pm = new PassManager(ctx, Pipeline.parse(passes, registry(),
        ctx.diagnostics()));
    assertTrue(pm.run(module, PassManager.Instrumentation.DEFAULT),
        () -> ctx.diagnostics().diagnostics().stream().map(ctx.diagnostics()::format)
            .toList().toString());
  }

  /** `model` for `arch` after the textual pipeline `passes`. */
  public static Operation compile(String model, String arch, String passes) throws Exception {
    Context ctx = context();
    Operation module = importModel(ctx, model, arch);
    run(ctx, module, passes);
    return module;
  }

  /** The `isa.program` of the first function of `module`, or null. */
  public static Operation program(Operation module) {
    for (Operation op : FuncOp.definitions(module).get(0).body()) {
      if (op.name().equals("isa.program")) {
        return op;
      }
    }
    return null;
  }
}
