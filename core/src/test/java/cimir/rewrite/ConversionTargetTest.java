package cimir.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cimir.dialect.builtin.BuiltinDialect;
import cimir.dialect.func.FuncDialect;
import cimir.dialect.test.TestPasses;
import cimir.ir.Context;
import cimir.ir.Operation;
import cimir.ir.Type;
import cimir.parse.IrParser;
import cimir.print.IrPrinter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Legality verdicts, and how partial and full conversions treat what the target says. */
class ConversionTargetTest {
  private static final String IR = """
      func.func @f(%x: i32) -> i32 {
        %0 = "test.op"(%x) : (i32) -> i32
        %1 = "test.op"() : () -> i32
        %2 = "test.negate"(%0) : (i32) -> i32
        return %2 : i32
      }
      """;

  private static Context context() {
    Context ctx = new Context();
    ctx.register(new BuiltinDialect());
    ctx.register(new FuncDialect());
    TestPasses.registerDialects(ctx);
    return ctx;
  }

  private static List<Operation> ops(Operation module, String name) {
    List<Operation> out = new ArrayList<>();
    module.walk(op -> {
      if (op.name().equals(name)) {
        out.add(op);
      }
    });
    return out;
  }

  @Test
  void dynamicLegalityDecidesPerOpAndOverridesDialects() {
    Context ctx = context();
    Operation module = IrParser.parse(ctx, "t.cim", IR);
    ConversionTarget target = new ConversionTarget().addIllegalDialect("test")
        .addDynamicallyLegalOp("test.op", op -> op.numOperands() == 0)
        .addLegalDialect("func");
    List<Operation> testOps = ops(module, "test.op");
    assertEquals(ConversionTarget.Legality.ILLEGAL, target.legality(testOps.get(0)));
    assertEquals(ConversionTarget.Legality.LEGAL, target.legality(testOps.get(1)));
    assertEquals(ConversionTarget.Legality.ILLEGAL,
        target.legality(ops(module, "test.negate").get(0)));
    assertEquals(ConversionTarget.Legality.LEGAL, target.legality(ops(module, "func.return").get(0)));
    assertEquals(ConversionTarget.Legality.UNKNOWN, target.legality(module));
  }

  @Test
  void partialKeepsUnknownOpsFullReportsThem() {
    ConversionTarget target = new ConversionTarget().addLegalDialect("func", "builtin")
        .addDynamicallyLegalOp("test.op", op -> true);
    Context partialCtx = context();
    Operation partial = IrParser.parse(partialCtx, "t.cim", IR);
    assertTrue(DialectConversion.applyPartial(partialCtx, partial, target, List.of(),
        new TypeConverter()));
    assertEquals(IrPrinter.toString(IrParser.parse(context(), "t.cim", IR),
        IrPrinter.Options.DEFAULT), IrPrinter.toString(partial, IrPrinter.Options.DEFAULT));

    Context fullCtx = context();
    Operation full = IrParser.parse(fullCtx, "t.cim", IR);
    assertFalse(DialectConversion.applyFull(fullCtx, full, target, List.of(),
        new TypeConverter()));
    assertEquals(1, fullCtx.diagnostics().errorCount());
    assertEquals("failed to legalize operation 'test.negate'",
        fullCtx.diagnostics().diagnostics().get(0).message());
  }

  @Test
  void typeConverterTriesNewestConversionFirstAndLeavesOthers() {
    TypeConverter types = new TypeConverter()
        .addConversion(t -> t.equals(Type.IntegerType.I32)
            ? java.util.Optional.of(Type.IntegerType.I64) : java.util.Optional.empty())
        .addConversion(t -> t.equals(Type.IntegerType.I32)
            ? java.util.Optional.of(Type.IntegerType.I8) : java.util.Optional.empty());
    assertEquals(Type.IntegerType.I8, types.convert(Type.IntegerType.I32));
    assertEquals(Type.FloatType.F32, types.convert(Type.FloatType.F32));
    assertTrue(types.isLegal(Type.FloatType.F32));
    assertFalse(types.isLegal(Type.IntegerType.I32));
  }
}
