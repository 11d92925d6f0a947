package cimir.dialect.test;

import cimir.ir.Attribute.DictionaryAttr;
import cimir.ir.Operation;
import cimir.ir.Type;
import cimir.ir.Value;
import cimir.pass.Pass;
import cimir.pass.PassContext;
import cimir.pass.PassInfo;
import cimir.pass.PassOption;
import cimir.pass.Stage;
import cimir.rewrite.ConversionPattern;
import cimir.rewrite.ConversionTarget;
import cimir.rewrite.DialectConversion;
import cimir.rewrite.ConversionRewriter;
import cimir.rewrite.TypeConverter;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Worked example of a conversion pass: lowers `test.constant`, `test.add` and `test.negate` on
 * `index` to `testlow` ops on `i64`, with a type converter (`index` to `i64`) and a target that
 * makes the `test` arithmetic illegal. Copy this to write a dialect lowering.
 */
public final class TestLowerPass implements Pass {
  /** `full`: every op must end legal (func, builtin, testlow), not only the test arithmetic. */
  public record Options(boolean full) {}

  public static final PassInfo INFO = new PassInfo("test-lower",
      "lower test arithmetic on index to testlow on i64",
      List.of(PassOption.bool("full", false, "full conversion: any other op is an error")),
      o -> new TestLowerPass(new Options(o.getBool("full"))));

  private final Options options;

  public TestLowerPass(Options options) {
    this.options = options;
  }

  @Override
  public Set<Stage> produces() {
    return Set.of(TestPasses.LOWERED);
  }

  /** One pattern serves all three ops: the op name decides what to build. */
  static final class Lower implements ConversionPattern {
    private final String root;

    Lower(String root) {
      this.root = root;
    }

    @Override
    public String rootName() {
      return root;
    }

    @Override
    public boolean matchAndRewrite(Operation op, List<Value> operands, TypeConverter types,
        ConversionRewriter rewriter) {
      Type resultType = types.convert(op.result(0).type());
      if (!resultType.equals(Type.IntegerType.I64)) {
        return rewriter.notifyMatchFailure(op, "result type does not convert to i64");
      }
      List<Type> results = List.of(resultType);
      Operation lowered = switch (root) {
        case "test.constant" -> rewriter.create("testlow.constant", List.of(), results,
            op.attributes(), op.location());
        case "test.add" -> rewriter.create("testlow.add", operands, results, null, op.location());
        default -> {
          Operation zero = rewriter.create("testlow.constant", List.of(), results,
              DictionaryAttr.EMPTY.with("value", cimir.ir.Attribute.IntegerAttr.i64(0)),
              op.location());
          yield rewriter.create("testlow.sub", List.of(zero.result(0), operands.get(0)), results,
              null, op.location());
        }
      };
      rewriter.replaceOp(op, List.of(lowered.result(0)));
      return true;
    }
  }

  @Override
  public void run(Operation module, PassContext ctx) {
    TypeConverter types = new TypeConverter().addConversion(t -> t instanceof Type.IndexType
        ? Optional.of(Type.IntegerType.I64) : Optional.empty());
    ConversionTarget target = new ConversionTarget().addLegalDialect("testlow", "func", "builtin")
        .addIllegalOp("test.constant", "test.add", "test.negate");
    List<ConversionPattern> patterns = List.of(new Lower("test.constant"), new Lower("test.add"),
        new Lower("test.negate"));
    if (!(options.full() ? DialectConversion.applyFull(ctx.context(), module, target, patterns,
        types) : DialectConversion.applyPartial(ctx.context(), module, target, patterns, types))) {
      ctx.fail();
    }
  }
}
