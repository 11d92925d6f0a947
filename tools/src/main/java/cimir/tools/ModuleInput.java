package cimir.tools;

import cimir.dialect.func.FuncOp;
import cimir.ir.Context;
import cimir.ir.Operation;
import cimir.ir.Verifier;
import cimir.parse.IrParser;
import java.io.InputStream;
import java.io.PrintStream;

/** The module a running tool reads (cim-interp, cim-sim): parsed, verified, `--arch` applied. */
final class ModuleInput {
  private ModuleInput() {}

  /**
   * The module of `input` (`-`: standard input), or null after printing its diagnostics. A
   * file named `.json`, `.bin`, `.s` or `.asm` is a program in that ISA format (CIMFlow's
   * program JSON, say), imported as `cim-translate --import-isa-*` would.
   */
  static Operation read(Context ctx, String input, InputStream stdin, ArchOptions arch,
      PrintStream stderr) {
    IsaTranslation.Format format = IsaTranslation.formatOf(input);
    if (format != null) {
      Operation module = IsaTranslation.importModule(ctx, format, input, stdin);
      if (module == null || !arch.apply(module, ctx.diagnostics())) {
        ctx.diagnostics().flush(stderr);
        return null;
      }
      return module;
    }
    String text = SourceText.read(input, stdin, ctx.diagnostics());
    if (text == null) {
      ctx.diagnostics().flush(stderr);
      return null;
    }
    String file = SourceText.displayName(input);
    ctx.sources().add(file, text);
    Operation module = IrParser.parse(ctx, file, text, 0);
    if (module == null || !Verifier.verify(ctx, module) || !arch.apply(module,
        ctx.diagnostics())) {
      ctx.diagnostics().flush(stderr);
      return null;
    }
    return module;
  }

  /** The function called `name` with a body at the top of `module`, or null. */
  static Operation function(Operation module, String name) {
    Operation func = null;
    for (Operation op : module.region(0).entryBlock()) {
      if (op.name().equals("func.func") && name.equals(new FuncOp(op).name())
          && !new FuncOp(op).isDeclaration()) {
        func = op;
      }
    }
    return func;
  }
}
