package cimir.pass;

import cimir.ir.Operation;
import java.util.Set;

/**
 * A transformation of the IR. Passes are small stateless classes: the op they anchor on, their
 * options (a record), the stages they require and produce, and {@link #run}. Their argument
 * (such as `mode-alloc`) and summary live in the {@link PassInfo} that registers them.
 */
public interface Pass {
  /** The op this pass runs on: every op of this name in the IR (the module by default). */
  default String anchor() {
    return "builtin.module";
  }

  /** Stages that must hold before this pass runs. */
  default Set<Stage> requires() {
    return Set.of();
  }

  /** Stages that hold after this pass ran. */
  default Set<Stage> produces() {
    return Set.of();
  }

  /** Transforms `op`; reports problems through `ctx` and calls {@link PassContext#fail}. */
  void run(Operation op, PassContext ctx);
}
