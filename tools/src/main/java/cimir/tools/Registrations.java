package cimir.tools;

import cimir.dialect.builtin.BuiltinDialect;
import cimir.dialect.func.FuncDialect;
import cimir.dialect.graph.GraphDialect;
import cimir.dialect.hw.HwDialect;
import cimir.dialect.isa.IsaDialect;
import cimir.dialect.test.TestPasses;
import cimir.ir.Context;
import cimir.lowering.LoweringPasses;
import cimir.pass.PassRegistry;
import cimir.pass.Stage;
import java.util.ArrayList;
import java.util.List;

/** Everything the tools know: dialects, passes, named pipelines and stages, in one place. */
public final class Registrations {
  private Registrations() {}

  public static Context newContext() {
    Context ctx = new Context();
    ctx.register(new BuiltinDialect());
    ctx.register(new FuncDialect());
    ctx.register(new GraphDialect());
    ctx.register(new HwDialect());
    ctx.register(new cimir.dialect.op.OpDialect());
    ctx.register(new cimir.dialect.meta.MetaDialect());
    ctx.register(new IsaDialect());
    TestPasses.registerDialects(ctx);
    return ctx;
  }

  public static PassRegistry passes() {
    PassRegistry registry = new PassRegistry();
    TestPasses.registerPasses(registry);
    LoweringPasses.registerPasses(registry);
    return registry;
  }

  /** The generated documentation pages, by path under `docs/`. */
  public static java.util.Map<String, String> docs() {
    return cimir.doc.Docs.all(newContext().dialects(), passes());
  }

  public static List<Stage> stages() {
    List<Stage> all = new ArrayList<>(TestPasses.stages());
    all.addAll(cimir.lowering.LoweringPasses.stages());
    return all;
  }
}
