package cimir.lowering;

import static org.junit.jupiter.api.Assertions.assertTrue;

import cimir.dialect.graph.GraphDialect;
import cimir.dialect.meta.MetaDialect;
import cimir.dialect.op.OpDialect;
import cimir.ir.Context;
import cimir.ir.Operation;
import cimir.lowering.onnx.OnnxImporter;
import cimir.lowering.onnx.OnnxReader;
import cimir.pass.PassManager;
import cimir.pass.PassRegistry;
import cimir.pass.Pipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** The repository's benchmark models for tests, and a pipeline run on one of them in-JVM. */
public final class RepositoryModels {
  /** The papers' benchmarks in models/. */
  public static final List<String> BENCHMARKS = List.of("resnet18", "mobilenet_v2",
      "efficientnet_b0", "vgg16", "bert_base_layer", "llama7b_block_decode",
      "llama7b_block_prefill");

  private static final Path MODELS = Path.of("..", "models");

  private RepositoryModels() {}

  /** The benchmarks, as test arguments. */
  public static Stream<String> benchmarks() {
    return BENCHMARKS.stream();
  }

  /** Every benchmark on both presets, as (model, preset) arguments. */
  public static Stream<Arguments> onBothPresets() {
    return BENCHMARKS.stream().flatMap(m -> Stream.of(Arguments.of(m, "cimflow"),
        Arguments.of(m, "dynaplasia")));
  }

  /** A module after a pipeline, with the pass manager that ran it (for its statistics). */
  public record Run(Context ctx, Operation module, PassManager passes) {
    /** Runs `pipeline` further on the module, failing the test with its diagnostics. */
    public Run then(String pipeline) {
      PassRegistry registry = new PassRegistry();
      LoweringPasses.registerPasses(registry);
      PassManager pm = new PassManager(ctx, Pipeline.parse(pipeline, registry,
          ctx.diagnostics()));
      assertTrue(pm.run(module, PassManager.Instrumentation.DEFAULT),
          () -> ctx.diagnostics().diagnostics().stream().map(ctx.diagnostics()::format)
              .toList().toString());
      return new Run(ctx, module, pm);
    }
  }

  /**
   * `model` imported for the chip `arch` (its `hw.arch` attribute set) and run through the
   * named pipeline `pipeline`.
   */
  public static Run runOn(String model, String arch, String pipeline) throws Exception {
    Context ctx = GraphDialect.newContext();
    ctx.register(new OpDialect());
    ctx.register(new MetaDialect());
    ctx.register(new cimir.dialect.isa.IsaDialect());
    Operation module = OnnxImporter.importModel(ctx,
        OnnxReader.read(Files.readAllBytes(MODELS.resolve(model + ".onnx"))), Map.of());
    module.setAttr(cimir.dialect.hw.HwArch.ATTR_NAME, cimir.dialect.hw.HwArch.attr(arch, null));
    PassRegistry registry = new PassRegistry();
    LoweringPasses.registerPasses(registry);
    return new Run(ctx, module, null).then(registry.pipeline(pipeline));
  }

  /** `model` (a name in models/) imported and run through `pipeline`. */
  public static Run run(String model, String pipeline) throws Exception {
    Context ctx = GraphDialect.newContext();
    ctx.register(new OpDialect());
    ctx.register(new MetaDialect());
    Operation module = OnnxImporter.importModel(ctx,
        OnnxReader.read(Files.readAllBytes(MODELS.resolve(model + ".onnx"))), Map.of());
    return new Run(ctx, module, null).then(pipeline);
  }
}
