package cimir.tools;

import cimir.dialect.func.FuncOp;
import cimir.interp.Interpreter;
import cimir.interp.InterpreterException;
import cimir.interp.ModelInputs;
import cimir.interp.Tensor;
import cimir.ir.Context;
import cimir.ir.Location;
import cimir.ir.Operation;
import cimir.ir.Type;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The cim-interp driver: runs a function of a `graph` module with the reference interpreter
 * (float32 or int8) and prints its results as JSON.
 */
@Command(name = "cim-interp", mixinStandardHelpOptions = true, versionProvider = Version.class,
    sortOptions = false, usageHelpAutoWidth = true,
    description = "Runs a graph function on concrete tensors and prints the results as JSON.")
public final class CimInterp extends ToolCommand {
  @Parameters(index = "0", arity = "0..1", defaultValue = "-", paramLabel = "INPUT",
      description = "input file, or - for standard input (default)")
  String input;

  @Option(names = "--function", paramLabel = "NAME", defaultValue = "main",
      description = "the function to run (default: main)")
  String function;

  @Option(names = "--inputs", paramLabel = "FILE",
      description = "a JSON file {\"inputs\": [{\"shape\": [...], \"values\": [...]}, ...]} with"
          + " the data inputs; default: x[i] = ((i mod 17) - 8) / 8")
  Path inputs;

  @Option(names = "--data-inputs", paramLabel = "N", defaultValue = "1",
      description = "leading arguments that are data inputs; the others are weights, drawn"
          + " pseudo-randomly as docs/int8.md says (default: 1)")
  int dataInputs;

  @Mixin ArchOptions arch = new ArchOptions();

  @Option(names = "-o", paramLabel = "FILE", description = "output file (default: standard output)")
  String output;

  /** Runs cim-interp in-process; returns the exit status (0 ok, 1 diagnostic, 2 usage). */
  public static int run(String[] args, InputStream stdin, PrintStream stdout, PrintStream stderr) {
    return ToolCommand.run(new CimInterp(), args, stdin, stdout, stderr);
  }

  public static void main(String[] args) {
    System.exit(Tools.onBigStack(() -> run(args, System.in, System.out, System.err)));
  }

  @Override
  public Integer call() throws IOException {
    if (!arch.check("cim-interp", stderr)) {
      return 1;
    }
    Context ctx = Registrations.newContext();
    Operation module = ModuleInput.read(ctx, input, stdin, arch, stderr);
    if (module == null) {
      return 1;
    }
    String file = SourceText.displayName(input);
    Operation func = ModuleInput.function(module, function);
    if (func == null) {
      ctx.diagnostics().error(new Location.Name(file, null), "no function '@" + function
          + "' with a body to run");
      ctx.diagnostics().flush(stderr);
      return 1;
    }
    List<Tensor> args;
    try {
      args = ModelInputs.arguments(func, dataInputs);
      if (inputs != null) {
        replaceDataInputs(args, func);
      }
    } catch (IllegalArgumentException | JsonProcessingException e) {
      stderr.println((inputs == null ? file : inputs.toString()) + ": error: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      stderr.println(inputs + ": error: could not read the inputs: " + e.getMessage());
      return 1;
    }
    List<Tensor> results;
    try {
      results = Interpreter.run(func, args);
    } catch (InterpreterException e) {
      stderr.println(e.getMessage().contains(": ") ? e.getMessage().replaceFirst(": ",
          ": error: ") : file + ": error: " + e.getMessage());
      return 1;
    }
    String json = toJson(results);
    boolean ok = Tools.writeOutput(output, stdout, stderr, "cim-interp", out -> {
      out.write(json);
      return true;
    });
    return ok ? 0 : 1;
  }

  /** Reads `--inputs` into the first data arguments, checking shapes and element counts. */
  private void replaceDataInputs(List<Tensor> args, Operation func) throws IOException {
    JsonNode root = new ObjectMapper().readTree(Files.readAllBytes(inputs));
    JsonNode list = root.get("inputs");
    if (list == null || !list.isArray()) {
      throw new IllegalArgumentException("expected an object with an \"inputs\" array");
    }
    if (list.size() > dataInputs) {
      throw new IllegalArgumentException("got " + list.size() + " inputs for " + dataInputs
          + " data input(s)");
    }
    for (int i = 0; i < list.size(); i++) {
      JsonNode in = list.get(i);
      Type t = new FuncOp(func).body().argument(i).type();
      long[] want = ((Type.RankedTensorType) t).shape().stream().mapToLong(Long::longValue)
          .toArray();
      JsonNode values = in.get("values");
      if (values == null || !values.isArray() || values.size() != Tensor.size(want)) {
        throw new IllegalArgumentException("input #" + i + " needs \"values\": an array of "
            + Tensor.size(want) + " numbers for shape " + java.util.Arrays.toString(want));
      }
      JsonNode shape = in.get("shape");
      if (shape != null && !shape.toString().replace(" ", "")
          .equals(java.util.Arrays.toString(want).replace(" ", ""))) {
        throw new IllegalArgumentException("input #" + i + " has shape " + shape
            + ", but the function takes " + java.util.Arrays.toString(want));
      }
      float[] data = new float[values.size()];
      for (int k = 0; k < data.length; k++) {
        if (!values.get(k).isNumber()) {
          throw new IllegalArgumentException("input #" + i + " value #" + k + " is not a number");
        }
        data[k] = (float) values.get(k).asDouble();
      }
      args.set(i, Tensor.ofFloats(want, data));
    }
  }

  /** `{"outputs": [{"shape": [...], "type": "f32", "values": [...]}, ...]}`, one line each. */
  static String toJson(List<Tensor> results) {
    StringBuilder sb = new StringBuilder("{\"outputs\": [");
    List<String> items = new ArrayList<>();
    for (Tensor t : results) {
      StringBuilder item = new StringBuilder("\n  {\"shape\": [");
      long[] shape = t.shape();
      for (int i = 0; i < shape.length; i++) {
        item.append(i == 0 ? "" : ", ").append(shape[i]);
      }
      item.append("], \"type\": \"").append(cimir.print.IrPrinter.typeToString(t.elementType()))
          .append("\", \"values\": [");
      for (int i = 0; i < t.size(); i++) {
        item.append(i == 0 ? "" : ", ");
        if (t.isFloat()) {
          float v = t.floats()[i];
          item.append(Float.isFinite(v) ? Float.toString(v) : "\"" + v + "\"");
        } else {
          item.append(t.ints()[i]);
        }
      }
      items.add(item.append("]}").toString());
    }
    return sb.append(String.join(",", items)).append("\n]}\n").toString();
  }
}
