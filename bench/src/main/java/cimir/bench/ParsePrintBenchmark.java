package cimir.bench;

import cimir.ir.Context;
import cimir.ir.Operation;
import cimir.parse.IrParser;
import cimir.print.IrPrinter;
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

/** In-process parse and print throughput on a generated chain of generic ops. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(1)
public class ParsePrintBenchmark {
  @Param({"10000"})
  int ops;

  private String text;
  private Operation module;

  @Setup
  public void setup() {
    StringBuilder sb = new StringBuilder("%v0 = \"bench.input\"() : () -> tensor<1x64x56x56xi8>\n");
    for (int i = 1; i < ops; i++) {
      sb.append("%v").append(i).append(" = \"bench.conv\"(%v").append(i - 1)
          .append(") {group = 1 : i64, pads = [1, 1, 1, 1], scale = 5.000000e-01 : f32,"
              + " strides = array<i64: 1, 1>} : (tensor<1x64x56x56xi8>) -> tensor<1x64x56x56xi8>\n");
    }
    text = sb.toString();
    module = parse();
  }

  private Operation parse() {
    Context ctx = new Context();
    ctx.register(new cimir.dialect.builtin.BuiltinDialect());
    ctx.setAllowUnregistered(true);
    return IrParser.parse(ctx, "bench.cim", text);
  }

  @Benchmark
  public Operation parseChain() {
    return parse();
  }

  @Benchmark
  public String printChain() {
    return IrPrinter.toString(module, IrPrinter.Options.DEFAULT);
  }
}
