package cimir.tools;

import cimir.diag.DiagnosticEngine;
import cimir.diag.ExpectedDiagnostics;
import cimir.ir.Context;
import cimir.ir.Location;
import cimir.ir.OpDef;
import cimir.ir.Operation;
import cimir.ir.Verifier;
import cimir.parse.IrParser;
import cimir.pass.PassInfo;
import cimir.pass.PassManager;
import cimir.pass.PassOption;
import cimir.pass.PassRegistry;
import cimir.pass.Pipeline;
import cimir.print.IrPrinter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The cim-opt driver: parse, run passes, verify and print cimir IR. */
@Command(name = "cim-opt", mixinStandardHelpOptions = true, versionProvider = Version.class,
    sortOptions = false, usageHelpAutoWidth = true,
    description = "Parses cimir IR (MLIR's textual format), runs a pass pipeline on it, verifies"
        + " it and prints it.")
public final class CimOpt extends ToolCommand {
  @Parameters(index = "0", arity = "0..1", defaultValue = "-", paramLabel = "INPUT",
      description = "input file, or - for standard input (default)")
  String input;

  @Option(names = "-o", paramLabel = "FILE", description = "output file (default: standard output)")
  String output;

  @Option(names = "--pass", paramLabel = "PIPELINE",
      description = "passes to run, e.g. a,b{key=value}")
  String pass;

  @Option(names = "--pass-pipeline", paramLabel = "PIPELINE",
      description = "MLIR-style pipeline, e.g. 'builtin.module(a,b{key=value})'")
  String passPipeline;

  @Option(names = "--pipeline", paramLabel = "NAME", description = "a named pipeline")
  String namedPipeline;

  @Mixin ArchOptions arch = new ArchOptions();

  @Option(names = "--split-input-file", description = "process each '// -----' chunk separately")
  boolean splitInputFile;

  @Option(names = "--verify-diagnostics",
      description = "check expected-error/warning/note/remark annotations instead of printing"
          + " diagnostics")
  boolean verifyDiagnostics;

  @Option(names = {"--allow-unregistered-dialect", "-allow-unregistered-dialect"},
      description = "accept ops of dialects cimir does not know")
  boolean allowUnregistered;

  @Option(names = "--mlir-print-op-generic", description = "print every op in the generic form")
  boolean printGeneric;

  @Option(names = "--mlir-print-debuginfo", description = "print locations")
  boolean printDebugInfo;

  @Option(names = "--print-ir-after-all", description = "print the IR after every pass")
  boolean printIrAfterAll;

  @Option(names = "--timing", description = "print a per-pass execution time report")
  boolean timing;

  @Option(names = "--solver-log",
      description = "let the solvers of passes (SCIP) print their logs to standard error")
  boolean solverLog;

  @Option(names = "--pass-statistics", description = "print the statistics of every pass")
  boolean passStatistics;

  @Option(names = "--no-verify-each", description = "do not verify the IR after each pass")
  boolean noVerifyEach;

  @Option(names = "--list-passes", description = "list the registered passes and pipelines")
  boolean listPasses;

  @Option(names = "--list-ops", description = "list the registered ops")
  boolean listOps;

  @Option(names = "--gen-docs", paramLabel = "DIR",
      description = "write the Markdown documentation of dialects and passes into DIR")
  Path genDocs;

  /** Runs cim-opt in-process; returns the exit status (0 ok, 1 diagnostic, 2 usage). */
  public static int run(String[] args, InputStream stdin, PrintStream stdout, PrintStream stderr) {
    return ToolCommand.run(new CimOpt(), args, stdin, stdout, stderr);
  }

  public static void main(String[] args) {
    System.exit(Tools.onBigStack(() -> run(args, System.in, System.out, System.err)));
  }

  @Override
  public Integer call() throws IOException {
    if (listPasses) {
      listPasses(Registrations.passes());
      return 0;
    }
    if (listOps) {
      listOps(Registrations.newContext());
      return 0;
    }
    if (genDocs != null) {
      try {
        for (var page : Registrations.docs().entrySet()) {
          Path file = genDocs.resolve(page.getKey());
          Files.createDirectories(file.getParent());
          Files.writeString(file, page.getValue(), StandardCharsets.UTF_8);
        }
        return 0;
      } catch (IOException e) {
        stderr.println(genDocs + ": error: could not write documentation: " + e.getMessage());
        return 1;
      }
    }
    if (pass != null && passPipeline != null || namedPipeline != null && (pass != null
        || passPipeline != null)) {
      stderr.println("cim-opt: error: give only one of --pass, --pass-pipeline and --pipeline");
      return 2;
    }
    if (!arch.check("cim-opt", stderr)) {
      return 1;
    }
    Context probe = Registrations.newContext();
    String text = SourceText.read(input, stdin, probe.diagnostics());
    if (text == null) {
      probe.diagnostics().flush(stderr);
      return 1;
    }
    String file = SourceText.displayName(input);
    List<String[]> chunks = splitInputFile ? split(text) : List.<String[]>of(new String[] {text,
        "0"});
    boolean ok = Tools.writeOutput(output, stdout, stderr, "cim-opt", out -> {
      boolean all = true;
      for (int i = 0; i < chunks.size(); i++) {
        if (i > 0) {
          out.write("// -----\n");
        }
        all &= processChunk(file, chunks.get(i)[0], Integer.parseInt(chunks.get(i)[1]), out);
      }
      return all;
    });
    return ok ? 0 : 1;
  }

  /**
   * Chunks of `text` between occurrences of the marker `// -----` (anywhere, as mlir-opt splits),
   * each with the number of lines before it.
   */
  static List<String[]> split(String text) {
    List<String[]> out = new ArrayList<>();
    if (text.isEmpty()) {
      return out;
    }
    int start = 0;
    int line = 0;
    while (true) {
      int at = text.indexOf(SPLIT_MARKER, start);
      String chunk = text.substring(start, at < 0 ? text.length() : at);
      out.add(new String[] {chunk, Integer.toString(line)});
      if (at < 0) {
        return out;
      }
      line += (int) chunk.chars().filter(c -> c == '\n').count();
      start = at + SPLIT_MARKER.length();
    }
  }

  private static final String SPLIT_MARKER = "// -----";

  private boolean processChunk(String file, String text, int lineOffset, Writer out)
      throws IOException {
    Context ctx = Registrations.newContext();
    ctx.setAllowUnregistered(allowUnregistered);
    DiagnosticEngine diag = ctx.diagnostics();
    ctx.sources().add(file, lineOffset == 0 ? text : "\n".repeat(lineOffset) + text);
    Compiled compiled = compile(ctx, file, text, lineOffset);
    if (verifyDiagnostics) {
      DiagnosticEngine report = new DiagnosticEngine(ctx.sources());
      ExpectedDiagnostics expected = ExpectedDiagnostics.read(file, text, lineOffset, report);
      boolean ok = expected.verify(diag.diagnostics(), report) && !report.hasErrors();
      report.flush(stderr);
      if (compiled != null) {
        print(compiled, out);
      }
      return ok;
    }
    diag.flush(stderr);
    if (compiled == null) {
      return false;
    }
    print(compiled, out);
    return true;
  }

  /** A module that parsed, verified and went through the pipeline, with its timings so far. */
  private record Compiled(Operation module, PassManager pm, long start, long parsed) {}

  private void print(Compiled c, Writer out) throws IOException {
    long printStart = System.nanoTime();
    IrPrinter.print(c.module(), out, new IrPrinter.Options(printGeneric, printDebugInfo));
    out.write('\n');
    long end = System.nanoTime();
    if (timing) {
      c.pm().printTiming(stderr, c.parsed() - c.start(), end - printStart, end - c.start());
    }
  }

  /** Parses, verifies and runs the pipeline; null when a diagnostic stopped it. */
  private Compiled compile(Context ctx, String file, String text, int lineOffset) {
    long start = System.nanoTime();
    PassRegistry registry = Registrations.passes();
    Pipeline pipeline = pipeline(registry, ctx.diagnostics());
    if (pipeline == null) {
      return null;
    }
    Operation module = IrParser.parse(ctx, file, text, lineOffset);
    if (module == null || !Verifier.verify(ctx, module) || !arch.apply(module,
        ctx.diagnostics())) {
      return null;
    }
    long parsed = System.nanoTime();
    PassManager pm = new PassManager(ctx, pipeline);
    if (!pm.check(module, Registrations.stages())) {
      return null;
    }
    IrPrinter.Options printOptions = new IrPrinter.Options(printGeneric, printDebugInfo);
    boolean ok = pm.run(module, new PassManager.Instrumentation(!noVerifyEach,
        printIrAfterAll ? stderr : null, printOptions, stderr, solverLog));
    if (passStatistics) {
      pm.printStatistics(stderr);
    }
    return ok ? new Compiled(module, pm, start, parsed) : null;
  }

  private Pipeline pipeline(PassRegistry registry, DiagnosticEngine diag) {
    String text = pass;
    if (passPipeline != null) {
      Pipeline p = Pipeline.parse(passPipeline, registry, diag);
      if (p == null) {
        return null;
      }
      if (p.nodes().size() != 1 || !(p.nodes().get(0) instanceof Pipeline.NestNode n)
          || !n.opName().equals("builtin.module")) {
        diag.error(new Location.FileLineCol(Pipeline.SOURCE, 1, 1),
            "expected the pipeline to be anchored on 'builtin.module(...)'");
        return null;
      }
      return p;
    }
    if (namedPipeline != null) {
      if (registry.pipeline(namedPipeline) == null) {
        diag.sources().add(Pipeline.SOURCE, namedPipeline);
        diag.error(new Location.FileLineCol(Pipeline.SOURCE, 1, 1), "'" + namedPipeline
            + "' does not refer to a registered pass pipeline");
        return null;
      }
      text = namedPipeline;
    }
    return text == null ? Pipeline.empty() : Pipeline.parse(text, registry, diag);
  }

  private void listPasses(PassRegistry registry) {
    stdout.println("Passes:");
    for (PassInfo p : registry.passes()) {
      stdout.printf("  --%-24s %s%n", p.argument(), p.summary());
      for (PassOption o : p.options()) {
        stdout.printf("      %-22s %s (default: %s)%n", o.key() + "=<" + o.kind().name()
            .toLowerCase() + ">", o.description(), o.defaultValue());
      }
    }
    stdout.println("Pipelines:");
    for (String name : registry.pipelineNames()) {
      stdout.printf("  %-26s %s: %s%n", name, registry.pipelineSummary(name),
          registry.pipeline(name));
    }
  }

  private void listOps(Context ctx) {
    for (OpDef def : ctx.ops()) {
      stdout.printf("%-36s %s%n", def.name(), def.summary());
    }
  }
}
