package cimir.lowering.onnx;

import cimir.dialect.func.FuncDialect;
import cimir.dialect.graph.GraphAttrs;
import cimir.dialect.graph.GraphDialect;
import cimir.dialect.graph.GraphShapes;
import cimir.interp.Tensor;
import cimir.ir.Attribute;
import cimir.ir.Attribute.DictionaryAttr;
import cimir.ir.Block;
import cimir.ir.Context;
import cimir.ir.Location;
import cimir.ir.Operation;
import cimir.ir.Type;
import cimir.ir.Value;
import cimir.print.IrPrinter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Translates an ONNX model (opset 13 and later) into a module holding `func.func @main` of
 * `graph` ops. Graph inputs become function arguments, initializers and Constant nodes become
 * `graph.constant`; shape subgraphs and arithmetic on constants are folded
 * ({@link OnnxFolder}); Identity, Dropout and no-op Casts disappear. Every op is located at its
 * ONNX node's name, and result types come from shape inference, checked against the model's
 * `value_info`.
 */
public final class OnnxImporter {
  /** The lowest opset of the default domain that cimir imports. */
  public static final long MIN_OPSET = 13;

  private final Context ctx;
  private final OnnxModel model;
  private final Map<String, Long> dimBindings;
  private final Map<String, Value> values = new HashMap<>();
  private final Map<String, Tensor> constants = new HashMap<>();
  private final Map<String, Value> materialized = new HashMap<>();
  private final Map<String, OnnxModel.ValueInfo> declared = new HashMap<>();
  private Block body;
  private int nodeIndex;
  private OnnxModel.Node node;

  private OnnxImporter(Context ctx, OnnxModel model, Map<String, Long> dimBindings) {
    this.ctx = ctx;
    this.model = model;
    this.dimBindings = dimBindings;
  }

  /**
   * The module for `model`. `dimBindings` gives sizes to symbolic input dimensions (e.g.
   * `batch = 1`).
   */
  public static Operation importModel(Context ctx, OnnxModel model, Map<String, Long> dimBindings)
      throws OnnxImportException {
    return new OnnxImporter(ctx, model, dimBindings).run();
  }

  private Operation run() throws OnnxImportException {
    Long opset = model.opsets().get("");
    if (opset == null) {
      opset = model.opsets().get("ai.onnx");
    }
    if (opset == null || opset < MIN_OPSET) {
      throw new OnnxImportException("the model's opset_import", "opset "
          + (opset == null ? "(none)" : opset) + " of the default domain is not supported;"
          + " cimir imports opset " + MIN_OPSET + " and later (re-export with opset_version="
          + MIN_OPSET + ")");
    }
    OnnxModel.Graph g = model.graph();
    for (OnnxModel.ValueInfo vi : g.valueInfo()) {
      declared.put(vi.name(), vi);
    }
    for (OnnxModel.ValueInfo vi : g.outputs()) {
      declared.put(vi.name(), vi);
    }
    for (int i = 0; i < g.initializers().size(); i++) {
      OnnxModel.Tensor t = g.initializers().get(i);
      try {
        constants.put(t.name(), OnnxTensors.toTensor(t));
      } catch (IllegalArgumentException e) {
        throw new OnnxImportException("initializer #" + i + " '" + t.name() + "'",
            e.getMessage());
      }
    }

    body = new Block();
    List<Type> argTypes = new ArrayList<>();
    List<Attribute> argAttrs = new ArrayList<>();
    for (int i = 0; i < g.inputs().size(); i++) {
      OnnxModel.ValueInfo in = g.inputs().get(i);
      if (constants.containsKey(in.name())) {
        continue; // an initializer listed as an input (IR version 3): a constant
      }
      Type t = inputType(in, "graph input #" + i + " '" + in.name() + "'");
      argTypes.add(t);
      argAttrs.add(new DictionaryAttr(List.of(new Attribute.NamedAttribute("onnx.name",
          Attribute.StringAttr.of(in.name())))));
      values.put(in.name(), body.addArgument(t, new Location.Name(in.name(), null)));
    }

    for (nodeIndex = 0; nodeIndex < g.nodes().size(); nodeIndex++) {
      node = g.nodes().get(nodeIndex);
      try {
        importNode();
      } catch (GraphShapes.ShapeException e) {
        throw error(e.getMessage());
      }
    }

    List<Value> results = new ArrayList<>();
    List<Type> resultTypes = new ArrayList<>();
    for (int i = 0; i < g.outputs().size(); i++) {
      OnnxModel.ValueInfo out = g.outputs().get(i);
      node = null;
      Value v = operand(out.name(), "graph output #" + i + " '" + out.name() + "'");
      results.add(v);
      resultTypes.add(v.type());
    }
    body.append(Operation.create("func.return", FuncDialect.RETURN, results, List.of(), null,
        null, List.of(), 0, Location.Unknown.INSTANCE));

    DictionaryAttr props = new DictionaryAttr(List.of(
        new Attribute.NamedAttribute("sym_name", Attribute.StringAttr.of("main")),
        new Attribute.NamedAttribute("function_type",
            new Attribute.TypeAttr(new Type.FunctionType(argTypes, resultTypes))),
        new Attribute.NamedAttribute("arg_attrs", new Attribute.ArrayAttr(argAttrs))));
    Operation func = Operation.create("func.func", FuncDialect.FUNC, List.of(), List.of(), null,
        props, List.of(), 1, new Location.Name(g.name(), null));
    func.region(0).addBlock(body);

    Operation module = Operation.create("builtin.module", ctx.lookupOp("builtin.module"),
        List.of(), List.of(), moduleAttributes(), DictionaryAttr.EMPTY, List.of(), 1,
        Location.Unknown.INSTANCE);
    Block top = new Block();
    module.region(0).addBlock(top);
    top.append(func);
    return module;
  }

  private DictionaryAttr moduleAttributes() {
    List<Attribute.NamedAttribute> attrs = new ArrayList<>();
    String producer = (model.producerName() + " " + model.producerVersion()).trim();
    if (!producer.isEmpty()) {
      attrs.add(new Attribute.NamedAttribute("onnx.producer", Attribute.StringAttr.of(producer)));
    }
    Long opset = model.opsets().getOrDefault("", model.opsets().get("ai.onnx"));
    attrs.add(new Attribute.NamedAttribute("onnx.opset", GraphAttrs.i64(opset)));
    return new DictionaryAttr(attrs);
  }

  /** The static tensor type of a graph input, with symbolic dimensions bound. */
  private Type inputType(OnnxModel.ValueInfo in, String where) throws OnnxImportException {
    Type elem = OnnxTensors.elementType(in.elemType());
    if (elem == null) {
      throw new OnnxImportException(where, "element type "
          + OnnxTensors.dataTypeName(in.elemType()) + " is not supported (FLOAT, INT64, INT32,"
          + " INT8 and BOOL are)");
    }
    if (in.shape() == null) {
      throw new OnnxImportException(where, "the input has no shape; cimir needs static shapes");
    }
    long[] dims = new long[in.shape().size()];
    for (int d = 0; d < dims.length; d++) {
      OnnxModel.Dim dim = in.shape().get(d);
      if (dim.value() != null && dim.value() >= 0) {
        dims[d] = dim.value();
      } else if (dim.param() != null && dimBindings.containsKey(dim.param())) {
        dims[d] = dimBindings.get(dim.param());
      } else {
        throw new OnnxImportException(where, "dimension " + d + " is dynamic"
            + (dim.param() == null ? "" : " ('" + dim.param() + "')") + "; give it a size with"
            + " --dim " + (dim.param() == null ? "NAME" : dim.param()) + "=N");
      }
    }
    return GraphShapes.tensor(dims, elem);
  }

  private String where() {
    return "node #" + nodeIndex + " '" + node.name() + "' (" + node.opType() + ")";
  }

  private OnnxImportException error(String message) {
    return new OnnxImportException(node == null ? "the graph" : where(), message);
  }

  private void importNode() throws OnnxImportException {
    if (!node.domain().isEmpty() && !node.domain().equals("ai.onnx")) {
      throw error("operator domain '" + node.domain() + "' is not supported; cimir imports the"
          + " default ONNX domain");
    }
    switch (node.opType()) {
      case "Identity", "Dropout" -> {
        alias(node.outputs().get(0), input(0));
        return;
      }
      case "Constant" -> {
        constants.put(output(0), constantNode());
        return;
      }
      case "Shape" -> {
        constants.put(output(0), shapeOf());
        return;
      }
      case "Size" -> {
        constants.put(output(0), Tensor.ofLongs(new long[0],
            Tensor.size(GraphShapes.shapeOf(typeOf(input(0)), 0))));
        return;
      }
      default -> { }
    }
    if (OnnxFolder.FOLDABLE.contains(node.opType()) && allInputsConstant()) {
      List<Tensor> in = new ArrayList<>();
      for (String name : node.inputs()) {
        in.add(name.isEmpty() ? null : constants.get(name));
      }
      try {
        List<Tensor> out = OnnxFolder.fold(node, in);
        for (int i = 0; i < out.size(); i++) {
          constants.put(output(i), out.get(i));
        }
        return;
      } catch (OnnxFolder.FoldException e) {
        if (e.getMessage().endsWith("too large to fold")) {
          // Imported as an op on materialized constants below.
        } else {
          throw error(e.getMessage());
        }
      } catch (RuntimeException e) {
        throw error("cannot fold on constant inputs: " + e.getMessage());
      }
    }
    OnnxOps.convert(this, node);
  }

  // ----- the interface the op converters use -----

  OnnxModel.Node node() {
    return node;
  }

  /** The name of input `i`, or "" when absent. */
  String input(int i) {
    return i < node.inputs().size() ? node.inputs().get(i) : "";
  }

  String output(int i) throws OnnxImportException {
    if (i >= node.outputs().size() || node.outputs().get(i).isEmpty()) {
      throw error("output #" + i + " is missing");
    }
    return node.outputs().get(i);
  }

  /** Fails when output `i` and later ones are used, for ops cimir imports with fewer outputs. */
  void requireUnusedOutputsFrom(int i) throws OnnxImportException {
    for (int k = i; k < node.outputs().size(); k++) {
      String name = node.outputs().get(k);
      if (!name.isEmpty() && isUsed(name)) {
        throw error("output #" + k + " '" + name + "' is used, but cimir imports only the"
            + " first " + i + " output(s) of " + node.opType());
      }
    }
  }

  private boolean isUsed(String name) {
    for (int n = nodeIndex + 1; n < model.graph().nodes().size(); n++) {
      if (model.graph().nodes().get(n).inputs().contains(name)) {
        return true;
      }
    }
    return model.graph().outputs().stream().anyMatch(o -> o.name().equals(name));
  }

  boolean isConstant(String name) {
    return constants.containsKey(name);
  }

  /** The constant value of input `i`; an error names what could not be folded. */
  Tensor constantInput(int i, String what) throws OnnxImportException {
    String name = input(i);
    Tensor t = constants.get(name);
    if (t == null) {
      throw error(what + " (input #" + i + " '" + name + "') must be a constant, but it is"
          + " computed at run time (a dynamic shape cimir cannot resolve)");
    }
    return t;
  }

  /** The constant of input `i`, or null when the input is absent. */
  Tensor optionalConstantInput(int i, String what) throws OnnxImportException {
    return input(i).isEmpty() ? null : constantInput(i, what);
  }

  private boolean allInputsConstant() {
    for (String name : node.inputs()) {
      if (!name.isEmpty() && !constants.containsKey(name)) {
        return false;
      }
    }
    return !node.inputs().isEmpty();
  }

  /** The IR value of input `i`, materializing a constant on first use. */
  Value value(int i) throws OnnxImportException {
    String name = input(i);
    if (name.isEmpty()) {
      throw error("input #" + i + " is missing");
    }
    return operand(name, where());
  }

  /** The IR value named `name`, materializing a constant on first use. */
  Value valueOf(String name) throws OnnxImportException {
    return operand(name, where());
  }

  private Value operand(String name, String where) throws OnnxImportException {
    Value v = values.get(name);
    if (v != null) {
      return v;
    }
    v = materialized.get(name);
    if (v != null) {
      return v;
    }
    Tensor t = constants.get(name);
    if (t == null) {
      throw new OnnxImportException(where, "'" + name + "' is not defined before its use");
    }
    Operation c = Operation.create("graph.constant", GraphDialect.CONSTANT, List.of(),
        List.of(t.type()), new DictionaryAttr(List.of(new Attribute.NamedAttribute("value",
            t.toAttr()))), null, List.of(), 0, new Location.Name(name, null));
    body.append(c);
    materialized.put(name, c.result(0));
    return c.result(0);
  }

  Type typeOf(String name) throws OnnxImportException {
    Tensor t = constants.get(name);
    return t != null ? t.type() : operand(name, where()).type();
  }

  /** Binds output `i` of the node to an existing input (Identity and friends). */
  void alias(String output, String input) throws OnnxImportException {
    if (constants.containsKey(input)) {
      constants.put(output, constants.get(input));
    } else {
      values.put(output, operand(input, where()));
    }
  }

  void bindConstant(String output, Tensor t) {
    constants.put(output, t);
  }

  /**
   * Appends `graph.<mnemonic>` on `operands` with `attrs`, typed by shape inference and checked
   * against the model's declared type of `output`; binds `output` to its result.
   */
  Value emit(String mnemonic, List<Value> operands, Map<String, Attribute> attrs, String output)
      throws OnnxImportException {
    String name = "graph." + mnemonic;
    List<Type> types = operands.stream().map(Value::type).toList();
    List<Attribute.NamedAttribute> entries = new ArrayList<>();
    attrs.forEach((k, v) -> entries.add(new Attribute.NamedAttribute(k, v)));
    DictionaryAttr dict = new DictionaryAttr(entries);
    Type result;
    try {
      result = GraphShapes.infer(name, types, dict);
    } catch (GraphShapes.ShapeException e) {
      throw error(e.getMessage());
    }
    checkDeclared(output, result);
    String loc = node.name().isEmpty() ? output : node.name();
    Operation op = Operation.create(name, ctx.lookupOp(name), operands, List.of(result), dict,
        null, List.of(), 0, new Location.Name(loc, null));
    body.append(op);
    if (output != null) {
      values.put(output, op.result(0));
    }
    return op.result(0);
  }

  /** An ordered attribute map, for {@link #emit}. */
  static Map<String, Attribute> attrs() {
    return new LinkedHashMap<>();
  }

  private void checkDeclared(String output, Type inferred) throws OnnxImportException {
    OnnxModel.ValueInfo vi = output == null ? null : declared.get(output);
    if (vi == null || vi.shape() == null) {
      return;
    }
    long[] shape = new long[vi.shape().size()];
    for (int d = 0; d < shape.length; d++) {
      OnnxModel.Dim dim = vi.shape().get(d);
      if (dim.value() == null) {
        return; // symbolic: inference decides
      }
      shape[d] = dim.value();
    }
    Type elem = OnnxTensors.elementType(vi.elemType());
    Type want = GraphShapes.tensor(shape, elem == null ? GraphShapes.elementType(inferred)
        : elem);
    if (!want.equals(inferred)) {
      throw error("the model declares '" + output + "' as '" + IrPrinter.typeToString(want)
          + "', but its inputs give '" + IrPrinter.typeToString(inferred) + "'");
    }
  }

  private Tensor constantNode() throws OnnxImportException {
    for (OnnxModel.Attribute a : node.attributes()) {
      try {
        switch (a.name()) {
          case "value":
            if (a.t() == null) {
              break;
            }
            return OnnxTensors.toTensor(a.t());
          case "value_float":
            return Tensor.ofFloats(new long[0], new float[] {a.f()});
          case "value_floats":
            return Tensor.ofFloats(new long[] {a.floats().length}, a.floats().clone());
          case "value_int":
            return Tensor.ofLongs(new long[0], a.i());
          case "value_ints":
            return Tensor.ofLongs(new long[] {a.ints().length}, a.ints().clone());
          default:
            break;
        }
      } catch (IllegalArgumentException e) {
        throw error("attribute '" + a.name() + "': " + e.getMessage());
      }
    }
    throw error("a Constant needs a 'value', 'value_float(s)' or 'value_int(s)' attribute");
  }

  private Tensor shapeOf() throws OnnxImportException {
    long[] shape = GraphShapes.shapeOf(typeOf(input(0)), 0);
    int rank = shape.length;
    long start = OnnxFolder.intAttr(node, "start", 0);
    long end = OnnxFolder.intAttr(node, "end", rank);
    start = Math.max(0, Math.min(rank, start < 0 ? start + rank : start));
    end = Math.max(0, Math.min(rank, end < 0 ? end + rank : end));
    long[] part = end > start ? Arrays.copyOfRange(shape, (int) start, (int) end) : new long[0];
    return Tensor.ofLongs(new long[] {part.length}, part);
  }

  /** The supported ONNX operators, for the unsupported-operator diagnostic. */
  static String supportedList() {
    TreeSet<String> all = new TreeSet<>(OnnxOps.CONVERTED);
    all.addAll(OnnxFolder.FOLDABLE);
    all.addAll(List.of("Identity", "Dropout", "Constant", "Shape", "Size"));
    return String.join(", ", all);
  }

  OnnxImportException unsupported(String detail) {
    return error(detail);
  }
}
