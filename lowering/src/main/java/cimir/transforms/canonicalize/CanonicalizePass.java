package cimir.transforms.canonicalize;

import cimir.ir.Operation;
import cimir.pass.Pass;
import cimir.pass.PassContext;
import cimir.pass.PassInfo;
import cimir.pass.PassOption;
import cimir.rewrite.GreedyRewriteDriver;
import cimir.rewrite.PatternRewriter;
import cimir.rewrite.RewritePattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Canonicalizes an imported `graph` function: folds, removes identities and recognizes the
 * compound ops that exporters spell out op by op. The patterns, run to a fixpoint by the greedy
 * driver (x is any value of rank r, c a one-element constant, "~" within a relative tolerance
 * of 1e-4):
 *
 * <pre>
 *   FoldBatchNormIntoConv   batch_norm(conv2d(x, W, b?), s, beta, mu, var){eps}
 *                             -> conv2d(x, W', b'),  k[m] = s[m] / sqrt(var[m] + eps),
 *                                W'[m] = W[m] k[m],  b'[m] = (b[m] - mu[m]) k[m] + beta[m]
 *                             (W, b, s, beta, mu, var constants; conv used once, no activation)
 *   FoldNoOpReshape         reshape(x), flatten(x) of x's own type       -> x
 *   ComposeReshapes         reshape(reshape(x) | flatten(x))             -> reshape(x)
 *   FoldIdentityTranspose   transpose(x){perm = identity}                -> x
 *   ComposeTransposes       transpose(transpose(x){p1}){p2}              -> transpose(x){p},
 *                             p[i] = p1[p2[i]]; x when p is the identity
 *   FoldWholeSlice          slice(x) of x's own type, steps > 0          -> x
 *   FoldSingleConcat        concat(x)                                    -> x
 *   FoldNeutralOperand      add(x, 0), add(0, x), sub(x, 0), mul(x, 1), mul(1, x), div(x, 1)
 *                             -> x, when the constant is all 0 (1) and x has the result type
 *   RecognizeLayerNorm      d = x - mean(x), n = d / sqrt(mean(d^2) + eps) [* gamma] [+ beta],
 *                             means over the trailing axes k..r-1 with keepdims, d^2 = pow(d, 2)
 *                             or d * d, eps a one-element constant
 *                             -> layer_norm(x, gamma or ones, beta?){axis = k - r, epsilon = eps}
 *   RecognizeGelu           0.5 * x * (1 + erf(x * c)), c ~ 1/sqrt(2)    -> gelu(x){"none"}
 *                           0.5 * x * (1 + tanh(c1 * (x + c2 * x^3))), c1 ~ sqrt(2/pi),
 *                             c2 ~ 0.044715, x^3 = pow(x, 3) or x * x * x -> gelu(x){"tanh"}
 *   RecognizeSilu           x * sigmoid(x)                               -> silu(x)
 *   RecognizeHardSwish      x * hard_sigmoid(x){alpha ~ 1/6, beta ~ 0.5},
 *                           x * clip(x + 3, 0, 6) / 6 (or * 1/6)         -> hard_swish(x)
 *   FuseActivation          relu(y), clip(y){min?, max?}, y = conv2d | matmul | gemm | add
 *                             used once, float, no activation
 *                             -> y{activation = relu | clip, clip_min?, clip_max?}
 *   FoldConstantArithmetic  add, sub, mul, div, pow, sqrt of f32 constants, <= 4096 elements
 *                             -> constant
 * </pre>
 *
 * Products (GELU, hard swish) are read as monomials, so any association and operand order of
 * the factors matches; sums take either operand order. A pattern applies only when the ops it
 * removes have no users outside it. Recognized and fused ops take MLIR's fused location of the
 * ops they replace; what a rewrite leaves unused is erased by the driver (graph ops are pure).
 */
public final class CanonicalizePass implements Pass {
  /** The pass options: a bound on rewrites, so a bad pattern set cannot loop forever. */
  public record Options(long maxRewrites) {}

  public static final PassInfo INFO = new PassInfo("canonicalize",
      "fold batch norms, remove identities, recognize layer norm, GELU, SiLU and hard swish,"
          + " fuse activations and fold constants in graph functions",
      List.of(PassOption.count("max-rewrites", 1_000_000,
          "fail when a fixpoint needs more rewrites than this")),
      o -> new CanonicalizePass(new Options(o.getInt("max-rewrites"))));

  private final Options options;

  public CanonicalizePass(Options options) {
    this.options = options;
  }

  @Override
  public String anchor() {
    return "func.func";
  }

  /** Every pattern of the pass, one instance per root op. */
  public static List<RewritePattern> patterns() {
    List<RewritePattern> out = new ArrayList<>();
    out.add(new FoldBatchNormIntoConv());
    out.addAll(Identities.all());
    out.add(new RecognizeLayerNorm());
    out.add(new RecognizeGelu("graph.mul"));
    out.add(new RecognizeGelu("graph.div"));
    out.add(new RecognizeSilu());
    out.add(new RecognizeHardSwish("graph.mul"));
    out.add(new RecognizeHardSwish("graph.div"));
    out.add(new FuseActivation("graph.relu"));
    out.add(new FuseActivation("graph.clip"));
    out.addAll(FoldConstantArithmetic.all());
    return out;
  }

  @Override
  public void run(Operation func, PassContext ctx) {
    Map<String, Long> applied = new TreeMap<>();
    List<RewritePattern> counted = new ArrayList<>();
    for (RewritePattern p : patterns()) {
      counted.add(new Counted(p, applied));
    }
    GreedyRewriteDriver.Result r = GreedyRewriteDriver.apply(ctx.context(), func, counted,
        options.maxRewrites());
    ctx.count("rewrites", r.rewrites());
    applied.forEach(ctx::count);
    if (!r.converged()) {
      ctx.diag().opError(r.last(), "canonicalize did not converge within "
          + options.maxRewrites() + " rewrites");
      ctx.fail();
    }
  }

  /** A pattern that counts its applications, by pattern name, for `--pass-statistics`. */
  private record Counted(RewritePattern pattern, Map<String, Long> applied)
      implements RewritePattern {
    @Override
    public String rootName() {
      return pattern.rootName();
    }

    @Override
    public String name() {
      return pattern.name();
    }

    @Override
    public int benefit() {
      return pattern.benefit();
    }

    @Override
    public boolean matchAndRewrite(Operation op, PatternRewriter rewriter) {
      boolean changed = pattern.matchAndRewrite(op, rewriter);
      if (changed) {
        applied.merge(pattern.name(), 1L, Long::sum);
      }
      return changed;
    }
  }
}
