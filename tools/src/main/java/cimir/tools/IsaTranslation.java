package cimir.tools;

import cimir.diag.DiagnosticEngine;
import cimir.dialect.isa.IsaProgram;
import cimir.ir.Context;
import cimir.ir.Location;
import cimir.ir.Operation;
import cimir.ir.Verifier;
import cimir.isa.IsaAsmParser;
import cimir.isa.IsaAsmPrinter;
import cimir.isa.IsaBinary;
import cimir.isa.IsaFormatException;
import cimir.isa.IsaJsonReader;
import cimir.isa.IsaJsonWriter;
import cimir.isa.JsonFault;
import cimir.parse.IrParser;
import cimir.print.IrPrinter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** cim-translate's isa translations: an `isa.program` to assembly, binary or JSON, and back. */
final class IsaTranslation {
  private IsaTranslation() {}

  /** `--emit=FORMAT`: the one `isa.program` of the cimir module in `input`, in FORMAT. */
  static int emit(String format, String input, String output, InputStream stdin,
      PrintStream stdout, PrintStream stderr) throws IOException {
    if (!List.of("isa-asm", "isa-bin", "isa-json").contains(format)) {
      stderr.println("cim-translate: error: --emit=" + format
          + ": expected isa-asm, isa-bin or isa-json");
      return 2;
    }
    boolean toStdout = output == null || output.equals("-");
    if (format.equals("isa-bin") && (output == null
        || toStdout && stdout == System.out && System.console() != null)) {
      stderr.println("cim-translate: error: --emit=isa-bin writes binary; give -o FILE"
          + (output == null ? "" : " (standard output is a terminal)"));
      return 2;
    }
    Context ctx = Registrations.newContext();
    DiagnosticEngine diag = ctx.diagnostics();
    String text = SourceText.read(input, stdin, diag);
    String file = SourceText.displayName(input);
    if (text == null) {
      diag.flush(stderr);
      return 1;
    }
    ctx.sources().add(file, text);
    Operation module = IrParser.parse(ctx, file, text);
    if (module == null || !Verifier.verify(ctx, module)) {
      diag.flush(stderr);
      return 1;
    }
    List<Operation> programs = new ArrayList<>();
    module.walk(op -> {
      if (op.name().equals("isa.program")) {
        programs.add(op);
      }
    });
    if (programs.size() != 1) {
      diag.error(programs.isEmpty() ? module.location() : programs.get(1).location(),
          "--emit=" + format + " expects exactly one 'isa.program' op, found "
              + programs.size());
      diag.flush(stderr);
      return 1;
    }
    IsaProgram program = IsaProgram.fromOp(programs.get(0));
    if (format.equals("isa-bin")) {
      return Tools.writeBytes(output, stdout, stderr, "cim-translate", IsaBinary.write(program))
          ? 0 : 1;
    }
    String out = format.equals("isa-asm") ? IsaAsmPrinter.print(program)
        : IsaJsonWriter.write(program);
    return Tools.writeOutput(output, stdout, stderr, "cim-translate", w -> {
      w.write(out);
      return true;
    }) ? 0 : 1;
  }

  /** The formats `importProgram` reads. */
  enum Format { JSON, ASM, BIN }

  /**
   * `--import-isa-json`, `--import-isa-asm` or `--import-isa-bin`: a module holding the
   * program's `isa.program`.
   */
  static int importProgram(Format format, String input, String output, InputStream stdin,
      PrintStream stdout, PrintStream stderr, IrPrinter.Options options) throws IOException {
    Context ctx = Registrations.newContext();
    Operation module = importModule(ctx, format, input, stdin);
    if (module == null) {
      ctx.diagnostics().flush(stderr);
      return 1;
    }
    return Tools.writeOutput(output, stdout, stderr, "cim-translate", w -> {
      IrPrinter.print(module, w, options);
      w.write('\n');
      return true;
    }) ? 0 : 1;
  }

  /**
   * A verified module holding the `isa.program` of `input` in `format`, or null with the
   * diagnostics in `ctx`'s engine.
   */
  static Operation importModule(Context ctx, Format format, String input, InputStream stdin) {
    DiagnosticEngine diag = ctx.diagnostics();
    String file = SourceText.displayName(input);
    Operation program = null;
    if (format == Format.BIN) {
      byte[] bytes = SourceText.readBytes(input, stdin, diag);
      if (bytes != null) {
        try {
          program = IsaBinary.read(bytes).toOp(new Location.Name(file, null));
        } catch (IsaFormatException e) {
          diag.error(new Location.Name(file, null), e.getMessage());
        }
      }
    } else {
      String text = SourceText.read(input, stdin, diag);
      if (text != null) {
        ctx.sources().add(file, text);
        program = format == Format.JSON ? fromJson(file, text, diag)
            : IsaAsmParser.parse(file, text, diag);
      }
    }
    if (program == null) {
      return null;
    }
    Operation module = Operation.create("builtin.module", ctx.lookupOp("builtin.module"),
        List.of(), List.of(), null, null, List.of(), 1, new Location.Name(file, null));
    module.region(0).addBlock(new cimir.ir.Block());
    module.region(0).entryBlock().append(program);
    return Verifier.verify(ctx, module) ? module : null;
  }

  /** The format a program file's name says (`.json`, `.bin`, `.s` or `.asm`), or null. */
  static Format formatOf(String input) {
    String name = input.toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".json")) {
      return Format.JSON;
    }
    if (name.endsWith(".bin")) {
      return Format.BIN;
    }
    return name.endsWith(".s") || name.endsWith(".asm") ? Format.ASM : null;
  }

  private static Operation fromJson(String file, String text, DiagnosticEngine diag) {
    IsaJsonReader.Result result;
    try {
      result = IsaJsonReader.read(text);
    } catch (IsaJsonReader.JsonSyntaxException e) {
      diag.error(new Location.FileLineCol(file, e.line(), e.column()), "invalid JSON: "
          + e.getMessage());
      return null;
    }
    for (JsonFault fault : result.faults()) {
      diag.error(new Location.Name(file, null), fault.toString());
    }
    return result.program() == null ? null : result.program().toOp(new Location.Name(file,
        null));
  }
}
