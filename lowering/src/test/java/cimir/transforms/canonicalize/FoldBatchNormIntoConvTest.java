package cimir.transforms.canonicalize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cimir.dialect.builtin.BuiltinDialect;
import cimir.dialect.func.FuncDialect;
import cimir.dialect.graph.GraphAttrs;
import cimir.dialect.graph.GraphDialect;
import cimir.interp.Tensor;
import cimir.ir.Context;
import cimir.ir.Operation;
import cimir.parse.IrParser;
import cimir.pass.PassManager;
import cimir.pass.PassRegistry;
import cimir.pass.Pipeline;
import cimir.print.IrPrinter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The folded batch norm computes what the convolution followed by the batch norm computes. The
 * oracle is written here with plain loops in double: conv2d (strides, asymmetric pads,
 * dilations, groups) then (y - mean) / sqrt(var + eps) * s + beta per channel, on the original
 * f32 constants; it is compared with conv2d alone on the folded f32 weight and bias that the
 * pass produced.
 */
class FoldBatchNormIntoConvTest {
  /** Relative to each output's scale: the sum of the magnitudes of its terms. */
  private static final double TOLERANCE = 1e-5;

  private static final float EPSILON = 1e-3f;

  /** A convolution's geometry. */
  record Conv(int n, int c, int h, int w, int m, int kh, int kw, int group, int stride,
      long[] pads, int dilation) {
    int oh() {
      return (int) ((h + pads[0] + pads[2] - dilation * (kh - 1) - 1) / stride + 1);
    }

    int ow() {
      return (int) ((w + pads[1] + pads[3] - dilation * (kw - 1) - 1) / stride + 1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      "dense 3x3 stride 2, asymmetric pads, bias; 1; 3; 7; 7; 4; 3; 3; 1; 2; 1 0 1 2; 1; true; 1",
      "depthwise 3x3, no bias; 1; 4; 6; 6; 4; 3; 3; 4; 1; 1 1 1 1; 1; false; 2",
      "grouped dilated, batch 2, bias; 2; 4; 8; 5; 6; 2; 3; 2; 1; 0 2 1 0; 2; true; 3"})
  void foldedConvolutionMatchesConvolutionThenBatchNorm(String name, int n, int c, int h, int w,
      int m, int kh, int kw, int group, int stride, String pads, int dilation, boolean bias,
      long seed) {
    Conv g = new Conv(n, c, h, w, m, kh, kw, group, stride,
        Arrays.stream(pads.split(" ")).mapToLong(Long::parseLong).toArray(), dilation);
    Random random = new Random(seed);
    Tensor x = random(random, new long[] {n, c, h, w}, -1, 1);
    Tensor weight = random(random, new long[] {m, c / group, kh, kw}, -1, 1);
    Tensor b = bias ? random(random, new long[] {m}, -1, 1) : null;
    Tensor scale = random(random, new long[] {m}, 0.5, 1.5);
    Tensor beta = random(random, new long[] {m}, -1, 1);
    Tensor mean = random(random, new long[] {m}, -1, 1);
    Tensor var = random(random, new long[] {m}, 0.1, 2);

    Context ctx = new Context();
    ctx.register(new BuiltinDialect());
    ctx.register(new FuncDialect());
    ctx.register(new GraphDialect());
    Operation module = IrParser.parse(ctx, "bn.cim", program(g, weight, b, scale, beta, mean,
        var));
    assertEquals(0, ctx.diagnostics().errorCount(), "the input parses and verifies");
    PassRegistry registry = new PassRegistry();
    registry.register(CanonicalizePass.INFO);
    PassManager pm = new PassManager(ctx, Pipeline.parse("canonicalize", registry,
        ctx.diagnostics()));
    assertTrue(pm.run(module, PassManager.Instrumentation.DEFAULT), "the pass succeeds");

    List<Operation> convs = new ArrayList<>();
    module.walk(op -> {
      assertTrue(!op.name().equals("graph.batch_norm"), "the batch norm is folded away");
      if (op.name().equals("graph.conv2d")) {
        convs.add(op);
      }
    });
    assertEquals(1, convs.size());
    Operation conv = convs.get(0);
    assertEquals(3, conv.numOperands(), "the folded convolution has a bias");
    Tensor foldedWeight = GraphMatch.f32Constant(conv.operand(1));
    Tensor foldedBias = GraphMatch.f32Constant(conv.operand(2));
    assertNotNull(foldedWeight);
    assertNotNull(foldedBias);

    double[] reference = conv(g, x, weight, b, null);
    for (int i = 0; i < reference.length; i++) {
      int channel = (i / (g.oh() * g.ow())) % m;
      double k = scale.get(channel) / Math.sqrt(var.get(channel) + (double) EPSILON);
      reference[i] = (reference[i] - mean.get(channel)) * k + beta.get(channel);
    }
    double[] magnitude = new double[reference.length];
    double[] folded = conv(g, x, foldedWeight, foldedBias, magnitude);
    for (int i = 0; i < reference.length; i++) {
      assertEquals(reference[i], folded[i], TOLERANCE * magnitude[i],
          "output " + i + " of " + name);
    }
  }

  private static Tensor random(Random random, long[] shape, double lo, double hi) {
    float[] data = new float[(int) Tensor.size(shape)];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) (lo + (hi - lo) * random.nextDouble());
    }
    return Tensor.ofFloats(shape, data);
  }

  private static String program(Conv g, Tensor weight, Tensor b, Tensor scale, Tensor beta,
      Tensor mean, Tensor var) {
    String in = "tensor<" + g.n() + "x" + g.c() + "x" + g.h() + "x" + g.w() + "xf32>";
    String out = "tensor<" + g.n() + "x" + g.m() + "x" + g.oh() + "x" + g.ow() + "xf32>";
    StringBuilder s = new StringBuilder("func.func @f(%x: " + in + ") -> " + out + " {\n");
    constant(s, "w", weight);
    if (b != null) {
      constant(s, "b", b);
    }
    constant(s, "s", scale);
    constant(s, "beta", beta);
    constant(s, "mean", mean);
    constant(s, "var", var);
    String wt = IrPrinter.typeToString(weight.type());
    String vt = IrPrinter.typeToString(scale.type());
    s.append("  %0 = \"graph.conv2d\"(%x, %w").append(b != null ? ", %b" : "").append(") {")
        .append("dilations = array<i64: ").append(g.dilation()).append(", ").append(g.dilation())
        .append(">, group = ").append(g.group()).append(" : i64, pads = array<i64: ")
        .append(g.pads()[0]).append(", ").append(g.pads()[1]).append(", ").append(g.pads()[2])
        .append(", ").append(g.pads()[3]).append(">, strides = array<i64: ").append(g.stride())
        .append(", ").append(g.stride()).append(">} : (").append(in).append(", ").append(wt)
        .append(b != null ? ", " + vt : "").append(") -> ").append(out).append("\n");
    s.append("  %1 = \"graph.batch_norm\"(%0, %s, %beta, %mean, %var) {epsilon = ")
        .append(IrPrinter.attrToString(GraphAttrs.f32(EPSILON))).append("} : (").append(out)
        .append(", ").append(vt).append(", ").append(vt).append(", ").append(vt).append(", ")
        .append(vt).append(") -> ").append(out).append("\n");
    s.append("  return %1 : ").append(out).append("\n}\n");
    return s.toString();
  }

  private static void constant(StringBuilder s, String name, Tensor t) {
    String type = IrPrinter.typeToString(t.type());
    s.append("  %").append(name).append(" = \"graph.constant\"() {value = ")
        .append(IrPrinter.attrToString(t.toAttr())).append("} : () -> ").append(type)
        .append("\n");
  }

  /**
   * conv2d in double, NCHW by (M, C/group, kH, kW), pads (top, left, bottom, right); when
   * `magnitude` is given, it receives sum |x * w| + |b| per output.
   */
  private static double[] conv(Conv g, Tensor x, Tensor w, Tensor b, double[] magnitude) {
    int oh = g.oh();
    int ow = g.ow();
    int cg = g.c() / g.group();
    int mg = g.m() / g.group();
    double[] out = new double[g.n() * g.m() * oh * ow];
    int i = 0;
    for (int n = 0; n < g.n(); n++) {
      for (int m = 0; m < g.m(); m++) {
        int group = m / mg;
        for (int y = 0; y < oh; y++) {
          for (int xo = 0; xo < ow; xo++) {
            double sum = b == null ? 0 : b.get(m);
            double abs = Math.abs(sum);
            for (int c = 0; c < cg; c++) {
              int ci = group * cg + c;
              for (int ky = 0; ky < g.kh(); ky++) {
                int iy = (int) (y * g.stride() - g.pads()[0] + ky * g.dilation());
                for (int kx = 0; kx < g.kw(); kx++) {
                  int ix = (int) (xo * g.stride() - g.pads()[1] + kx * g.dilation());
                  if (iy < 0 || iy >= g.h() || ix < 0 || ix >= g.w()) {
                    continue;
                  }
                  double term = x.get(((n * g.c() + ci) * g.h() + iy) * g.w() + ix)
                      * w.get(((m * cg + c) * g.kh() + ky) * g.kw() + kx);
                  sum += term;
                  abs += Math.abs(term);
                }
              }
            }
            out[i] = sum;
            if (magnitude != null) {
              magnitude[i] = abs;
            }
            i++;
          }
        }
      }
    }
    return out;
  }
}
