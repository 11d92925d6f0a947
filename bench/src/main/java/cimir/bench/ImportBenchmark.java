package cimir.bench;

import cimir.ir.Context;
import cimir.ir.Operation;
import cimir.ir.Verifier;
import cimir.lowering.onnx.OnnxImporter;
import cimir.lowering.onnx.OnnxReader;
import cimir.pass.PassManager;
import cimir.pass.Pipeline;
import cimir.print.IrPrinter;
import cimir.tools.Registrations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * In-process ONNX import + canonicalize + verify + print, of EfficientNet-B0 and of synthetic
 * chains of residual blocks (5,000 to 20,000 nodes) to show how the time grows with size.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
public class ImportBenchmark {
  /** `efficientnet_b0` (the shipped model) or `synthetic-N` (about N nodes). */
  @Param({"efficientnet_b0", "synthetic-5000", "synthetic-10000", "synthetic-20000"})
  String model;

  private byte[] bytes;

  @Setup
  public void setup() throws Exception {
    bytes = model.startsWith("synthetic-")
        ? GenerateOnnx.model(Integer.parseInt(model.substring("synthetic-".length())))
        : Files.readAllBytes(Path.of("models", model + ".onnx"));
  }

  @Benchmark
  public String importCanonicalizeVerifyPrint() throws Exception {
    Context ctx = Registrations.newContext();
    Operation module = OnnxImporter.importModel(ctx, OnnxReader.read(bytes), Map.of());
    PassManager pm = new PassManager(ctx, Pipeline.parse("canonicalize",
        Registrations.passes(), ctx.diagnostics()));
    if (!pm.run(module, PassManager.Instrumentation.DEFAULT) || !Verifier.verify(ctx, module)) {
      throw new IllegalStateException(ctx.diagnostics().diagnostics().toString());
    }
    return IrPrinter.toString(module, IrPrinter.Options.DEFAULT);
  }
}
