package cimir.dialect.test;

import cimir.ir.Context;
import cimir.ir.Operation;
import cimir.pass.Pass;
import cimir.pass.PassContext;
import cimir.pass.PassInfo;
import cimir.pass.PassRegistry;
import cimir.pass.Stage;
import java.util.List;
import java.util.Set;

/** Registers the test dialects, their passes and their stages. */
public final class TestPasses {
  /** Holds when no `test` arithmetic is left; `test-lower` produces it. */
  public static final Stage LOWERED = new Stage("test-lowered",
      "no test.constant, test.add or test.negate left", m -> {
        boolean[] found = {false};
        m.walk(op -> found[0] |= op.def() == TestDialect.ADD || op.def() == TestDialect.NEGATE
            || op.def() == TestDialect.CONSTANT);
        return !found[0];
      });

  private TestPasses() {}

  public static void registerDialects(Context ctx) {
    ctx.register(new TestDialect());
    ctx.register(new TestLowDialect());
  }

  public static void registerPasses(PassRegistry registry) {
    registry.register(TestSimplifyPass.INFO);
    registry.register(TestLowerPass.INFO);
    registry.register(CountLowered.INFO);
    registry.registerPipeline("test-pipeline", "simplify, then lower, the test dialect",
        "test-simplify,test-lower");
  }

  public static List<Stage> stages() {
    return List.of(LOWERED);
  }

  /** Counts `testlow` ops; requires `test-lowered`, to exercise stage checks. */
  static final class CountLowered implements Pass {
    static final PassInfo INFO = new PassInfo("test-count-lowered",
        "count testlow ops (needs the test-lowered stage)", List.of(), o -> new CountLowered());

    @Override
    public Set<Stage> requires() {
      return Set.of(LOWERED);
    }

    @Override
    public void run(Operation module, PassContext ctx) {
      module.walk(op -> {
        if (op.dialect().equals("testlow")) {
          ctx.count("testlow-ops", 1);
        }
      });
    }
  }
}
