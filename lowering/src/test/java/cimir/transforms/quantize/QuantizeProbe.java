package cimir.transforms.quantize;

import cimir.dialect.builtin.ModuleOp;
import cimir.interp.Interpreter;
import cimir.interp.ModelInputs;
import cimir.interp.Tensor;
import cimir.ir.Context;
import cimir.ir.Operation;
import cimir.ir.Verifier;
import cimir.lowering.onnx.OnnxImporter;
import cimir.lowering.onnx.OnnxReader;
import cimir.pass.PassManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

class QuantizeProbe {
  public static void main(String[] args) throws Exception {
    for (String name : args) {
      Context ctx = new Context();
      ctx.register(new cimir.dialect.builtin.BuiltinDialect());
      ctx.register(new cimir.dialect.func.FuncDialect());
      ctx.register(new cimir.dialect.graph.GraphDialect());
      Operation module = OnnxImporter.importModel(ctx, OnnxReader.read(Files.readAllBytes(Path.of("models", name + ".onnx"))), Map.of());
      Operation f = new ModuleOp(module).body().first();
      long t0 = System.nanoTime();
      List<Tensor> yf = Interpreter.run(f, ModelInputs.arguments(f, 1));
      long t1 = System.nanoTime();
      var reg = new cimir.pass.PassRegistry();
      reg.register(QuantizePass.INFO);
      var pm = new PassManager(ctx, cimir.pass.Pipeline.parse("quantize", reg, ctx.diagnostics()));
      pm.run(module, PassManager.Instrumentation.DEFAULT);
      long t2 = System.nanoTime();
      boolean ok = Verifier.verify(ctx, module);
      List<Tensor> y8 = Interpreter.run(f, ModelInputs.arguments(f, 1));
      long t3 = System.nanoTime();
      double max = 0, err = 0;
      for (int i = 0; i < yf.get(0).size(); i++) { max = Math.max(max, Math.abs(yf.get(0).get(i))); err = Math.max(err, Math.abs(yf.get(0).get(i) - y8.get(0).get(i))); }
      System.out.printf("%s verify=%s max|y|=%.4g maxerr=%.4g rel=%.3g float=%.2fs quant=%.2fs int8=%.2fs%n", name, ok, max, err, err / max, (t1-t0)/1e9, (t2-t1)/1e9, (t3-t2)/1e9);
      if (!ok) ctx.diagnostics().diagnostics().stream().limit(3).forEach(System.out::println);
    }
  }
}
