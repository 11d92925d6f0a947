package cimir.print;

import cimir.dialect.builtin.BuiltinDialect;
import cimir.dialect.func.FuncDialect;
import cimir.ir.Attribute;
import cimir.ir.Attribute.DictionaryAttr;
import cimir.ir.Attribute.NamedAttribute;
import cimir.ir.Block;
import cimir.ir.BlockArgument;
import cimir.ir.DialectAttribute;
import cimir.ir.DialectType;
import cimir.ir.FloatFormat;
import cimir.ir.Location;
import cimir.ir.OpResult;
import cimir.ir.Operation;
import cimir.ir.Region;
import cimir.ir.Trait;
import cimir.ir.Type;
import cimir.ir.Value;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prints IR exactly as `mlir-opt --allow-unregistered-dialect` does (DESIGN.md 2.2): MLIR's SSA
 * numbering, sorted attribute dictionaries, MLIR's number formats, hex for large dense
 * attributes, the custom forms of `module`, `func.func` and `return`.
 */
public final class IrPrinter {
  /** Dense attributes with more elements than this print as hex, as mlir-opt does by default. */
  public static final int HEX_ELEMENT_THRESHOLD = 100;

  /** Printing choices: MLIR's generic form for every op, and trailing locations. */
  public record Options(boolean generic, boolean debugInfo) {
    public static final Options DEFAULT = new Options(false, false);
  }

  private static final Set<String> FUNC_INHERENT =
      Set.of("sym_name", "function_type", "sym_visibility", "arg_attrs", "res_attrs");
  private static final Set<String> MODULE_INHERENT = Set.of("sym_name", "sym_visibility");

  private final StringBuilder out = new StringBuilder(1 << 16);
  private final Writer sink;
  private final Options options;
  private final Map<Value, String> valueNames = new IdentityHashMap<>();
  private final Map<Block, String> blockNames = new IdentityHashMap<>();
  private int indent;
  private LocationAliases locations;

  private IrPrinter(Writer sink, Options options) {
    this.sink = sink;
    this.options = options;
  }

  /** Prints `op` and a final newline to `sink`. */
  public static void print(Operation op, Writer sink, Options options) {
    IrPrinter p = new IrPrinter(sink, options);
    p.numberValues(op);
    if (options.debugInfo()) {
      p.locations = new LocationAliases(op, options.generic());
      p.appendAliasDefinitions(false);
    }
    p.printOp(op);
    p.out.append('\n');
    if (p.locations != null) {
      p.appendAliasDefinitions(true);
    }
    p.flush(true);
  }

  /** The printed form of `op`, with a final newline. */
  public static String toString(Operation op, Options options) {
    java.io.StringWriter w = new java.io.StringWriter();
    print(op, w, options);
    return w.toString();
  }

  public static String typeToString(Type t) {
    StringBuilder sb = new StringBuilder();
    appendType(sb, t);
    return sb.toString();
  }

  public static String attrToString(Attribute a) {
    StringBuilder sb = new StringBuilder();
    appendAttr(sb, a, Elision.NEVER);
    return sb.toString();
  }

  private void flush(boolean force) {
    if (force || out.length() > (1 << 16)) {
      try {
        sink.append(out);
        if (force) {
          sink.flush();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out.setLength(0);
    }
  }

  // ---- SSA numbering, as MLIR's SSANameState ----

  private record Pending(Region region, int nextValue, int nextArg) {}

  private int nextValue;
  private int nextArg;

  private void numberValues(Operation top) {
    Deque<Pending> stack = new ArrayDeque<>();
    for (Region r : top.regions()) {
      stack.push(new Pending(r, 0, 0));
    }
    while (!stack.isEmpty()) {
      Pending p = stack.pop();
      // Nested regions restart from the counters of their parent, except in the generic form,
      // where MLIR makes every name unique (regions are numbered last pushed, first).
      if (!options.generic()) {
        nextValue = p.nextValue;
        nextArg = p.nextArg;
      }
      numberRegion(p.region);
      for (Block b : p.region.blocks()) {
        for (Operation op : b) {
          for (Region r : op.regions()) {
            stack.push(new Pending(r, nextValue, nextArg));
          }
        }
      }
    }
  }

  private void numberRegion(Region region) {
    int nextBlock = 0;
    for (Block b : region.blocks()) {
      blockNames.put(b, "^bb" + nextBlock++);
      boolean entry = b == region.entryBlock();
      for (BlockArgument a : b.arguments()) {
        valueNames.put(a, entry ? "%arg" + nextArg++ : "%" + nextValue++);
      }
      for (Operation op : b) {
        if (op.numResults() > 0) {
          valueNames.put(op.result(0), "%" + nextValue++);
        }
      }
    }
  }

  private void appendValue(Value v) {
    if (v instanceof OpResult r && r.owner().numResults() > 1) {
      String base = valueNames.get(r.owner().result(0));
      out.append(base == null ? "<<UNKNOWN SSA VALUE>>" : base).append('#').append(r.index());
      return;
    }
    String name = valueNames.get(v);
    out.append(name == null ? "<<UNKNOWN SSA VALUE>>" : name);
  }

  // ---- Operations ----

  private void printOp(Operation op) {
    if (op.numResults() > 0) {
      out.append(valueNames.get(op.result(0)));
      if (op.numResults() > 1) {
        out.append(':').append(op.numResults());
      }
      out.append(" = ");
    }
    if (!options.generic() && op.def() == BuiltinDialect.MODULE) {
      printModule(op);
    } else if (!options.generic() && op.def() == FuncDialect.FUNC) {
      printFunc(op);
    } else if (!options.generic() && op.def() == FuncDialect.RETURN) {
      printReturn(op);
    } else if (!options.generic() && op.def() == BuiltinDialect.UNREALIZED_CAST
        && op.numOperands() > 0 && op.attributes().isEmpty()) {
      printCast(op);
    } else {
      printGeneric(op);
    }
    if (locations != null) {
      out.append(" loc(#").append(locations.alias(op.location())).append(')');
    }
    flush(false);
  }

  private void printGeneric(Operation op) {
    appendEscapedString(out, op.name());
    out.append('(');
    appendValues(op.operands());
    out.append(')');
    if (!op.successors().isEmpty()) {
      out.append('[');
      for (int i = 0; i < op.successors().size(); i++) {
        out.append(i > 0 ? ", " : "").append(blockName(op.successors().get(i)));
      }
      out.append(']');
    }
    if (op.properties() != null && !(op.properties().isEmpty() && op.def() != null
        && op.def().inherentAttrsAreProperties())) {
      out.append(" <");
      appendAttr(out, op.properties(), Elision.NEVER);
      out.append('>');
    }
    if (op.numRegions() > 0) {
      out.append(" (");
      for (int i = 0; i < op.numRegions(); i++) {
        if (i > 0) {
          out.append(", ");
        }
        printRegion(op.region(i), true, true, true);
      }
      out.append(')');
    }
    appendAttrDict(op.attributes(), Set.of(), false);
    out.append(" : ");
    appendFunctionType(out, op.operandTypes(), op.resultTypes());
  }

  private void printModule(Operation op) {
    out.append("module");
    if (op.attr("sym_visibility") instanceof Attribute.StringAttr v) {
      out.append(' ').append(v.value());
    }
    if (op.attr("sym_name") instanceof Attribute.StringAttr name) {
      out.append(' ');
      appendSymbol(out, name.bytes());
    }
    appendAttrDict(discardable(op, MODULE_INHERENT), Set.of(), true);
    out.append(' ');
    printRegion(op.region(0), false, false, false);
  }

  private static DictionaryAttr discardable(Operation op, Set<String> inherent) {
    DictionaryAttr attrs = op.attributes();
    for (NamedAttribute a : attrs.entries()) {
      if (inherent.contains(a.name())) {
        attrs = attrs.with(a.name(), null);
      }
    }
    return attrs;
  }

  private void printFunc(Operation op) {
    out.append("func.func ");
    if (op.attr("sym_visibility") instanceof Attribute.StringAttr v) {
      out.append(v.value()).append(' ');
    }
    appendSymbol(out, op.attr("sym_name") instanceof Attribute.StringAttr s ? s.bytes() : "");
    Type.FunctionType type = op.attr("function_type") instanceof Attribute.TypeAttr t
        && t.value() instanceof Type.FunctionType f ? f
        : new Type.FunctionType(List.of(), List.of());
    List<Attribute> argAttrs = op.attr("arg_attrs") instanceof Attribute.ArrayAttr a
        ? a.elements() : null;
    List<Attribute> resAttrs = op.attr("res_attrs") instanceof Attribute.ArrayAttr a
        ? a.elements() : null;
    boolean declaration = op.region(0).isEmpty();
    out.append('(');
    for (int i = 0; i < type.inputs().size(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      if (!declaration) {
        appendValue(op.region(0).entryBlock().argument(i));
        out.append(": ");
      }
      appendType(out, type.inputs().get(i));
      if (argAttrs != null && i < argAttrs.size() && argAttrs.get(i) instanceof DictionaryAttr d) {
        appendAttrDict(d, Set.of(), false);
      }
      if (!declaration) {
        appendInlineLocation(op.region(0).entryBlock().argument(i));
      }
    }
    out.append(')');
    List<Type> results = type.results();
    if (!results.isEmpty()) {
      out.append(" -> ");
      boolean anyResAttr = resAttrs != null && resAttrs.stream()
          .anyMatch(a -> a instanceof DictionaryAttr d && !d.isEmpty());
      boolean parens = results.size() > 1 || anyResAttr
          || results.get(0) instanceof Type.FunctionType;
      if (parens) {
        out.append('(');
      }
      for (int i = 0; i < results.size(); i++) {
        if (i > 0) {
          out.append(", ");
        }
        appendType(out, results.get(i));
        if (resAttrs != null && i < resAttrs.size() && resAttrs.get(i) instanceof DictionaryAttr d) {
          appendAttrDict(d, Set.of(), false);
        }
      }
      if (parens) {
        out.append(')');
      }
    }
    appendAttrDict(discardable(op, FUNC_INHERENT), Set.of(), true);
    if (!declaration) {
      out.append(' ');
      printRegion(op.region(0), false, true, false);
    }
  }

  private void printCast(Operation op) {
    out.append(op.name()).append(' ');
    appendValues(op.operands());
    out.append(" : ");
    appendTypes(out, op.operandTypes());
    out.append(" to ");
    appendTypes(out, op.resultTypes());
  }

  private void appendValues(List<Value> values) {
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      appendValue(values.get(i));
    }
  }

  private void printReturn(Operation op) {
    out.append("return");
    if (op.numOperands() > 0) {
      out.append(' ');
      appendValues(op.operands());
      out.append(" : ");
      appendTypes(out, op.operandTypes());
    }
  }

  private void printRegion(Region region, boolean printEntryArgs, boolean printTerminators,
      boolean printEmptyBlock) {
    out.append("{\n");
    List<Block> blocks = region.blocks();
    for (int i = 0; i < blocks.size(); i++) {
      Block b = blocks.get(i);
      boolean header = i > 0 || (printEmptyBlock && b.isEmpty())
          || (printEntryArgs && !b.arguments().isEmpty());
      printBlock(b, header, printTerminators);
    }
    indent(indent);
    out.append('}');
  }

  private void printBlock(Block block, boolean header, boolean printTerminator) {
    if (header) {
      indent(indent);
      out.append(blockName(block));
      if (!block.arguments().isEmpty()) {
        out.append('(');
        for (int i = 0; i < block.arguments().size(); i++) {
          BlockArgument a = block.argument(i);
          if (i > 0) {
            out.append(", ");
          }
          appendValue(a);
          out.append(": ");
          appendType(out, a.type());
          appendInlineLocation(a);
        }
        out.append(')');
      }
      out.append(':');
      List<Block> preds = block.predecessors();
      if (preds.isEmpty()) {
        if (!block.isEntryBlock()) {
          out.append("  // no predecessors");
        }
      } else if (preds.size() == 1) {
        out.append("  // pred: ").append(blockName(preds.get(0)));
      } else {
        preds.sort((x, y) -> Integer.compare(x.parent().blocks().indexOf(x),
            y.parent().blocks().indexOf(y)));
        out.append("  // ").append(preds.size()).append(" preds: ");
        for (int i = 0; i < preds.size(); i++) {
          out.append(i > 0 ? ", " : "").append(blockName(preds.get(i)));
        }
      }
      out.append('\n');
    }
    indent += 2;
    Operation last = block.last();
    boolean skipLast = !printTerminator && last != null && last.hasTrait(Trait.TERMINATOR);
    for (Operation op : block) {
      if (skipLast && op == last) {
        break;
      }
      indent(indent);
      printOp(op);
      out.append('\n');
    }
    indent -= 2;
  }

  private String blockName(Block b) {
    String name = blockNames.get(b);
    return name == null ? "<<UNKNOWN BLOCK>>" : name;
  }

  private void indent(int n) {
    for (int i = 0; i < n; i++) {
      out.append(' ');
    }
  }

  private void appendAttrDict(DictionaryAttr attrs, Set<String> elided, boolean withKeyword) {
    List<NamedAttribute> shown = new ArrayList<>();
    for (NamedAttribute a : attrs.entries()) {
      if (!elided.contains(a.name())) {
        shown.add(a);
      }
    }
    if (shown.isEmpty()) {
      return;
    }
    out.append(withKeyword ? " attributes " : " ");
    appendAttr(out, new DictionaryAttr(shown), Elision.NEVER);
  }

  // ---- Types ----

  private static void appendTypes(StringBuilder sb, List<Type> types) {
    for (int i = 0; i < types.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      appendType(sb, types.get(i));
    }
  }

  private static void appendFunctionType(StringBuilder sb, List<Type> inputs, List<Type> results) {
    sb.append('(');
    appendTypes(sb, inputs);
    sb.append(") -> ");
    if (results.size() == 1 && !(results.get(0) instanceof Type.FunctionType)) {
      appendType(sb, results.get(0));
    } else {
      sb.append('(');
      appendTypes(sb, results);
      sb.append(')');
    }
  }

  public static void appendType(StringBuilder sb, Type t) {
    if (t instanceof Type.IntegerType i) {
      sb.append(switch (i.signedness()) {
        case SIGNLESS -> "i";
        case SIGNED -> "si";
        case UNSIGNED -> "ui";
      }).append(i.width());
    } else if (t instanceof Type.FloatType f) {
      sb.append(f.kind().mnemonic);
    } else if (t instanceof Type.IndexType) {
      sb.append("index");
    } else if (t instanceof Type.NoneType) {
      sb.append("none");
    } else if (t instanceof Type.RankedTensorType r) {
      sb.append("tensor<");
      appendDims(sb, r.shape());
      appendType(sb, r.elementType());
      if (r.encoding() != null) {
        sb.append(", ");
        appendAttr(sb, r.encoding(), Elision.NEVER);
      }
      sb.append('>');
    } else if (t instanceof Type.UnrankedTensorType u) {
      sb.append("tensor<*x");
      appendType(sb, u.elementType());
      sb.append('>');
    } else if (t instanceof Type.VectorType v) {
      sb.append("vector<");
      appendDims(sb, v.shape());
      appendType(sb, v.elementType());
      sb.append('>');
    } else if (t instanceof Type.ComplexType c) {
      sb.append("complex<");
      appendType(sb, c.elementType());
      sb.append('>');
    } else if (t instanceof Type.TupleType tt) {
      sb.append("tuple<");
      appendTypes(sb, tt.types());
      sb.append('>');
    } else if (t instanceof Type.FunctionType f) {
      appendFunctionType(sb, f.inputs(), f.results());
    } else if (t instanceof DialectType d) {
      sb.append('!').append(d.body());
    }
  }

  private static void appendDims(StringBuilder sb, List<Long> shape) {
    for (long d : shape) {
      if (d == Type.DYNAMIC) {
        sb.append('?');
      } else {
        sb.append(d);
      }
      sb.append('x');
    }
  }

  // ---- Attributes ----

  /** Whether an attribute's type may be left out: only i64 and f64 values inside arrays. */
  private enum Elision { NEVER, MAY }

  private static void appendAttr(StringBuilder sb, Attribute a, Elision elision) {
    if (a instanceof Attribute.IntegerAttr i) {
      if (i.type() instanceof Type.IntegerType it && it.width() == 1 && it.isSignless()) {
        sb.append(i.value().signum() != 0 ? "true" : "false");
        return;
      }
      sb.append(i.value());
      if (elision == Elision.MAY && i.type().equals(Type.IntegerType.I64)) {
        return;
      }
      sb.append(" : ");
      appendType(sb, i.type());
    } else if (a instanceof Attribute.FloatAttr f) {
      String[] text = FloatFormat.printReportingHex(f.bits(), f.type().kind());
      sb.append(text[0]);
      if (elision == Elision.MAY && f.type().equals(Type.FloatType.F64) && text[1] == null) {
        return;
      }
      sb.append(" : ");
      appendType(sb, f.type());
    } else if (a instanceof Attribute.StringAttr s) {
      appendEscapedString(sb, s.bytes());
      if (s.type() != null) {
        sb.append(" : ");
        appendType(sb, s.type());
      }
    } else if (a instanceof Attribute.UnitAttr) {
      sb.append("unit");
    } else if (a instanceof Attribute.ArrayAttr arr) {
      sb.append('[');
      for (int i = 0; i < arr.elements().size(); i++) {
        if (i > 0) {
          sb.append(", ");
        }
        appendAttr(sb, arr.elements().get(i), Elision.MAY);
      }
      sb.append(']');
    } else if (a instanceof DictionaryAttr d) {
      sb.append('{');
      for (int i = 0; i < d.entries().size(); i++) {
        NamedAttribute e = d.entries().get(i);
        if (i > 0) {
          sb.append(", ");
        }
        appendName(sb, e.name());
        if (!(e.value() instanceof Attribute.UnitAttr)) {
          sb.append(" = ");
          appendAttr(sb, e.value(), Elision.NEVER);
        }
      }
      sb.append('}');
    } else if (a instanceof Attribute.DenseArrayAttr d) {
      sb.append("array<");
      appendType(sb, d.elementType());
      for (int i = 0; i < d.values().size(); i++) {
        sb.append(i == 0 ? ": " : ", ");
        appendScalar(sb, d.values().get(i), d.elementType());
      }
      sb.append('>');
    } else if (a instanceof Attribute.DenseElementsAttr d) {
      appendDense(sb, d);
    } else if (a instanceof Attribute.SymbolRefAttr s) {
      appendSymbol(sb, s.root());
      for (String n : s.nested()) {
        sb.append("::");
        appendSymbol(sb, n);
      }
    } else if (a instanceof Attribute.TypeAttr t) {
      appendType(sb, t.value());
    } else if (a instanceof DialectAttribute d) {
      sb.append('#').append(d.body());
      if (a instanceof cimir.ir.OpaqueAttr o && o.type() != null) {
        sb.append(" : ");
        appendType(sb, o.type());
      }
    }
  }

  /** One element of a dense attribute: an integer, a boolean or a float's bits. */
  private static void appendScalar(StringBuilder sb, BigInteger v, Type element) {
    if (element instanceof Type.FloatType f) {
      sb.append(FloatFormat.print(v, f.kind()));
    } else if (element instanceof Type.IntegerType i && i.width() == 1) {
      sb.append(v.signum() != 0 ? "true" : "false");
    } else {
      sb.append(v);
    }
  }

  private static void appendDense(StringBuilder sb, Attribute.DenseElementsAttr d) {
    sb.append("dense<");
    Type element = d.elementType();
    boolean complex = element instanceof Type.ComplexType;
    Type scalar = complex ? ((Type.ComplexType) element).elementType() : element;
    long count = d.type().numElements();
    if (!d.splat() && count > HEX_ELEMENT_THRESHOLD) {
      appendHex(sb, d, scalar);
    } else if (d.splat()) {
      appendDenseElement(sb, d, 0, scalar, complex);
    } else if (count > 0) {
      List<Long> shape = d.type().shapeOrNull();
      int rank = shape.size();
      long[] counter = new long[rank];
      int open = 0;
      for (int idx = 0; idx < count; idx++) {
        if (idx != 0) {
          sb.append(", ");
        }
        while (open++ < rank) {
          sb.append('[');
        }
        open = rank;
        appendDenseElement(sb, d, idx, scalar, complex);
        if (rank > 0) {
          counter[rank - 1]++;
          for (int i = rank - 1; i > 0; i--) {
            if (counter[i] >= shape.get(i)) {
              counter[i] = 0;
              counter[i - 1]++;
              open--;
              sb.append(']');
            }
          }
        }
      }
      while (open-- > 0) {
        sb.append(']');
      }
    }
    sb.append("> : ");
    appendType(sb, d.type());
  }

  private static void appendDenseElement(StringBuilder sb, Attribute.DenseElementsAttr d, int idx,
      Type scalar, boolean complex) {
    if (complex) {
      sb.append('(');
      appendScalar(sb, d.values().get(2 * idx), scalar);
      sb.append(',');
      appendScalar(sb, d.values().get(2 * idx + 1), scalar);
      sb.append(')');
    } else {
      appendScalar(sb, d.values().get(idx), scalar);
    }
  }

  /** `"0x..."`: each value's bytes, little-endian, as MLIR's raw data. */
  private static void appendHex(StringBuilder sb, Attribute.DenseElementsAttr d, Type scalar) {
    int width = scalar instanceof Type.IntegerType i ? i.width()
        : scalar instanceof Type.FloatType f ? f.kind().width() : 64;
    sb.append("\"0x");
    if (width == 1) {
      List<BigInteger> bits = d.values();
      for (int i = 0; i < bits.size(); i += 8) {
        int octet = 0;
        for (int k = 0; k < 8 && i + k < bits.size(); k++) {
          octet |= bits.get(i + k).signum() != 0 ? 1 << k : 0;
        }
        appendHexByte(sb, octet);
      }
      sb.append('"');
      return;
    }
    int bytes = (width + 7) / 8;
    BigInteger mask = BigInteger.ONE.shiftLeft(bytes * 8).subtract(BigInteger.ONE);
    for (BigInteger v : d.values()) {
      BigInteger raw = v.and(mask);
      for (int b = 0; b < bytes; b++) {
        int octet = raw.shiftRight(8 * b).intValue() & 0xff;
        appendHexByte(sb, octet);
      }
    }
    sb.append('"');
  }

  /** Two uppercase hex digits, as LLVM prints bytes. */
  private static void appendHexByte(StringBuilder sb, int octet) {
    sb.append(Character.toUpperCase(Character.forDigit(octet >> 4, 16)))
        .append(Character.toUpperCase(Character.forDigit(octet & 0xf, 16)));
  }

  // ---- Names, strings and locations ----

  private static boolean isBareIdentifier(String s) {
    if (s.isEmpty()) {
      return false;
    }
    char c0 = s.charAt(0);
    if (!(Character.isLetter(c0) && c0 < 0x80 || c0 == '_')) {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c < 0x80 && Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '.')) {
        return false;
      }
    }
    return true;
  }

  private static void appendName(StringBuilder sb, String name) {
    if (isBareIdentifier(name)) {
      sb.append(name);
    } else {
      appendEscapedString(sb, cimir.ir.Bytes.fromUtf8(name));
    }
  }

  /** `@name`, quoted when it is not a bare identifier; `bytes` is one char per byte. */
  private static void appendSymbol(StringBuilder sb, String bytes) {
    sb.append('@');
    if (isBareIdentifier(bytes)) {
      sb.append(bytes);
    } else {
      appendEscapedString(sb, bytes);
    }
  }

  /** A quoted string with LLVM's escapes: `\\`, printable ASCII, otherwise `\XX`. */
  public static void appendEscapedString(StringBuilder sb, String bytes) {
    sb.append('"');
    for (int i = 0; i < bytes.length(); i++) {
      char c = bytes.charAt(i);
      if (c == '\\') {
        sb.append("\\\\");
      } else if (c >= 0x20 && c <= 0x7e && c != '"') {
        sb.append(c);
      } else {
        int b = c & 0xff;
        appendHexByte(sb.append('\\'), b);
      }
    }
    sb.append('"');
  }

  /** `#locN = loc(...)` lines: those used by block arguments before the IR, the rest after. */
  private void appendAliasDefinitions(boolean deferred) {
    for (Location loc : locations.definitions(deferred)) {
      out.append('#').append(locations.alias(loc)).append(" = loc(");
      appendLocationBody(out, loc, locations);
      out.append(")\n");
    }
  }

  /** A block argument's location, written in full (MLIR allows no alias there). */
  private void appendInlineLocation(BlockArgument a) {
    if (locations != null) {
      out.append(" loc(");
      appendLocationBody(out, a.location(), locations);
      out.append(')');
    }
  }

  /** A location's body; nested locations are written as their aliases. */
  private static void appendLocationBody(StringBuilder sb, Location loc, LocationAliases aliases) {
    if (loc instanceof Location.FileLineCol f) {
      appendEscapedString(sb, cimir.ir.Bytes.fromUtf8(f.file()));
      sb.append(':').append(f.line()).append(':').append(f.column());
    } else if (loc instanceof Location.Name n) {
      appendEscapedString(sb, cimir.ir.Bytes.fromUtf8(n.name()));
      if (n.child() != null && !(n.child() instanceof Location.Unknown)) {
        sb.append('(');
        appendNestedLocation(sb, n.child(), aliases);
        sb.append(')');
      }
    } else if (loc instanceof Location.CallSite c) {
      sb.append("callsite(");
      appendNestedLocation(sb, c.callee(), aliases);
      sb.append(" at ");
      appendNestedLocation(sb, c.caller(), aliases);
      sb.append(')');
    } else if (loc instanceof Location.Fused f) {
      sb.append("fused");
      if (f.metadata() != null) {
        sb.append('<');
        appendAttr(sb, f.metadata(), Elision.NEVER);
        sb.append('>');
      }
      sb.append('[');
      for (int i = 0; i < f.locations().size(); i++) {
        if (i > 0) {
          sb.append(", ");
        }
        appendNestedLocation(sb, f.locations().get(i), aliases);
      }
      sb.append(']');
    } else {
      sb.append("unknown");
    }
  }

  private static void appendNestedLocation(StringBuilder sb, Location loc, LocationAliases aliases) {
    String alias = aliases.alias(loc);
    if (alias != null) {
      sb.append('#').append(alias);
    } else {
      appendLocationBody(sb, loc, aliases);
    }
  }
}
