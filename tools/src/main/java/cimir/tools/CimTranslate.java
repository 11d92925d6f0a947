package cimir.tools;

import cimir.ir.Context;
import cimir.ir.Operation;
import cimir.ir.Verifier;
import cimir.lowering.onnx.OnnxFormatException;
import cimir.lowering.onnx.OnnxImportException;
import cimir.lowering.onnx.OnnxImporter;
import cimir.lowering.onnx.OnnxModel;
import cimir.lowering.onnx.OnnxReader;
import cimir.print.IrPrinter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The cim-translate driver: translations between cimir IR and other formats (ONNX in; the
 * ISA's assembly, binary and program JSON out, and assembly and JSON in).
 */
@Command(name = "cim-translate", mixinStandardHelpOptions = true, versionProvider = Version.class,
    sortOptions = false, usageHelpAutoWidth = true,
    description = "Translates a model into cimir IR (MLIR's textual format), and isa programs"
        + " between cimir IR and the ISA's formats.")
public final class CimTranslate extends ToolCommand {
  @Parameters(index = "0", arity = "0..1", defaultValue = "-", paramLabel = "INPUT",
      description = "input file, or - for standard input (default)")
  String input;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Translation translation;

  /** The translations; exactly one is chosen. */
  static final class Translation {
    @Option(names = "--import-onnx", required = true,
        description = "import an ONNX model (opset 13 and later) into the graph dialect")
    boolean importOnnx;

    @Option(names = "--import-isa-json", required = true,
        description = "import CIMFlow's program JSON (ISA 3.0, or the older class/type form)"
            + " into the isa dialect")
    boolean importIsaJson;

    @Option(names = "--import-isa-asm", required = true,
        description = "import ISA assembly into the isa dialect")
    boolean importIsaAsm;

    @Option(names = "--import-isa-bin", required = true,
        description = "import a binary program file (as --emit=isa-bin writes) into the isa"
            + " dialect")
    boolean importIsaBin;

    @Option(names = "--emit", required = true, paramLabel = "FORMAT",
        description = "write the isa.program of a cimir module as isa-asm, isa-bin (needs -o)"
            + " or isa-json")
    String emit;
  }

  @Option(names = "-o", paramLabel = "FILE", description = "output file (default: standard output)")
  String output;

  @Option(names = "--dim", paramLabel = "NAME=SIZE",
      description = "size of a symbolic input dimension, e.g. --dim batch=1 (repeatable)")
  Map<String, Long> dims = new LinkedHashMap<>();

  @Mixin ArchOptions arch = new ArchOptions();

  @Option(names = "--mlir-print-debuginfo", description = "print locations (the ONNX node names)")
  boolean printDebugInfo;

  @Option(names = "--mlir-print-op-generic", description = "print every op in the generic form")
  boolean printGeneric;

  /** Runs cim-translate in-process; returns the exit status (0 ok, 1 diagnostic, 2 usage). */
  public static int run(String[] args, InputStream stdin, PrintStream stdout, PrintStream stderr) {
    return ToolCommand.run(new CimTranslate(), args, stdin, stdout, stderr);
  }

  public static void main(String[] args) {
    System.exit(Tools.onBigStack(() -> run(args, System.in, System.out, System.err)));
  }

  @Override
  public Integer call() throws IOException {
    if (translation.emit != null) {
      return IsaTranslation.emit(translation.emit, input, output, stdin, stdout, stderr);
    }
    if (translation.importIsaJson || translation.importIsaAsm || translation.importIsaBin) {
      IsaTranslation.Format format = translation.importIsaJson ? IsaTranslation.Format.JSON
          : translation.importIsaAsm ? IsaTranslation.Format.ASM : IsaTranslation.Format.BIN;
      return IsaTranslation.importProgram(format, input, output, stdin, stdout, stderr,
          new IrPrinter.Options(printGeneric, printDebugInfo));
    }
    for (var d : dims.entrySet()) {
      if (d.getValue() <= 0) {
        stderr.println("cim-translate: error: --dim " + d.getKey() + "=" + d.getValue()
            + ": a dimension must be positive");
        return 2;
      }
    }
    if (!arch.check("cim-translate", stderr)) {
      return 1;
    }
    String file = SourceText.displayName(input);
    byte[] bytes;
    try {
      bytes = input.equals("-") ? stdin.readAllBytes() : Files.readAllBytes(Path.of(input));
    } catch (NoSuchFileException e) {
      stderr.println(file + ": error: could not open input file: no such file");
      return 1;
    } catch (IOException | RuntimeException e) {
      stderr.println(file + ": error: could not read input file: " + e.getMessage());
      return 1;
    }
    Context ctx = Registrations.newContext();
    Operation module;
    try {
      OnnxModel model = OnnxReader.read(bytes);
      module = OnnxImporter.importModel(ctx, model, dims);
    } catch (OnnxFormatException e) {
      stderr.println(e.format(file));
      return 1;
    } catch (OnnxImportException e) {
      stderr.println(e.format(file));
      return 1;
    }
    if (!Verifier.verify(ctx, module)) {
      ctx.diagnostics().flush(stderr);
      stderr.println(file + ": error: the imported module does not verify (a cimir bug; please"
          + " report it with the model)");
      return 1;
    }
    if (!arch.apply(module, ctx.diagnostics())) {
      ctx.diagnostics().flush(stderr);
      return 1;
    }
    boolean ok = Tools.writeOutput(output, stdout, stderr, "cim-translate", out -> {
      IrPrinter.print(module, out, new IrPrinter.Options(printGeneric, printDebugInfo));
      out.write('\n');
      return true;
    });
    return ok ? 0 : 1;
  }
}
