package cimir.parse;

import cimir.grammar.MlirParser;
import cimir.ir.Attribute;
import cimir.ir.Attribute.DictionaryAttr;
import cimir.ir.Attribute.NamedAttribute;
import cimir.ir.Bytes;
import cimir.ir.FloatFormat;
import cimir.ir.Location;
import cimir.ir.OpaqueAttr;
import cimir.ir.OpaqueType;
import cimir.ir.Type;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.TerminalNode;

/** Turns type, attribute and location parse trees into IR values, checking their meaning. */
final class AttrParser {
  private final String file;
  private final int lineOffset;
  private final Map<String, Type> typeCache = new HashMap<>();
  private final Map<Object, Object> uniqued = new HashMap<>();
  private final Map<String, Attribute> attrAliases = new HashMap<>();
  private final Map<String, Type> typeAliases = new HashMap<>();
  private final Map<String, Location> locAliases = new HashMap<>();

  /** A location alias used before its definition (mlir-opt prints them at the end). */
  static final class UnresolvedAlias extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Token at;

    UnresolvedAlias(Token at) {
      super(null, null, false, false);
      this.at = at;
    }
  }

  /** Defines `#name = ...` or `!name = ...`. */
  void defineAlias(MlirParser.AliasDefContext d) {
    Token id = d.HASH_ID() != null ? d.HASH_ID().getSymbol() : d.EXCL_ID().getSymbol();
    String name = id.getText().substring(1);
    if (name.indexOf('.') >= 0 || name.indexOf('<') >= 0) {
      throw error(id, "invalid alias name '" + name + "': aliases may not contain '.' or '<'");
    }
    boolean known = d.EXCL_ID() != null ? typeAliases.containsKey(name)
        : attrAliases.containsKey(name) || locAliases.containsKey(name);
    if (known) {
      throw error(id, "redefinition of symbol alias id '" + name + "'");
    }
    if (d.EXCL_ID() != null) {
      typeAliases.put(name, type(d.type()));
    } else if (d.trailingLoc() != null) {
      locAliases.put(name, location(d.trailingLoc().location()));
    } else {
      attrAliases.put(name, attribute(d.attribute()));
    }
  }

  AttrParser(String file, int lineOffset) {
    this.file = file;
    this.lineOffset = lineOffset;
  }

  Location loc(Token t) {
    return new Location.FileLineCol(file, t.getLine() + lineOffset, t.getCharPositionInLine() + 1);
  }

  Location loc(ParserRuleContext ctx) {
    return loc(ctx.getStart());
  }

  ParseError error(Token at, String message) {
    return new ParseError(loc(at), message);
  }

  ParseError error(ParserRuleContext at, String message) {
    return new ParseError(loc(at), message);
  }

  // ---- Types ----

  List<Type> types(MlirParser.TypeListContext ctx) {
    List<Type> out = new ArrayList<>();
    if (ctx != null) {
      for (MlirParser.TypeContext t : ctx.type()) {
        out.add(type(t));
      }
    }
    return out;
  }

  /**
   * Uniques an immutable value: equal types, attributes and names share one object, as MLIR
   * uniques them in its context, so IR with repeated attributes stays small.
   */
  @SuppressWarnings("unchecked")
  <T> T unique(T value) {
    Object known = uniqued.putIfAbsent(value, value);
    return known == null ? value : (T) known;
  }

  Type type(MlirParser.TypeContext ctx) {
    return unique(typeUncached(ctx));
  }

  private Type typeUncached(MlirParser.TypeContext ctx) {
    if (ctx instanceof MlirParser.NamedTypeContext n) {
      String text = n.BARE_ID().getText();
      Type cached = typeCache.get(text);
      if (cached == null) {
        cached = namedType(text, n.getStart());
        typeCache.put(text, cached);
      }
      return cached;
    }
    if (ctx instanceof MlirParser.FnTypeContext f) {
      return functionType(f.functionType());
    }
    if (ctx instanceof MlirParser.DialectTypeContext d) {
      String text = d.EXCL_ID().getText().substring(1);
      if (text.indexOf('.') < 0 && text.indexOf('<') < 0) {
        Type aliased = typeAliases.get(text);
        if (aliased == null) {
          throw error(d.getStart(), "undefined symbol alias id '" + text + "'");
        }
        return aliased;
      }
      return new OpaqueType(text);
    }
    MlirParser.ShapedTypeContext s = (MlirParser.ShapedTypeContext) ctx;
    return shapedType(s.BARE_ID().getSymbol(), s.shapedBody());
  }

  Type.FunctionType functionType(MlirParser.FunctionTypeContext ctx) {
    List<Type> inputs = types(ctx.typeList());
    MlirParser.ResultTypesContext r = ctx.resultTypes();
    List<Type> results = r.type() != null ? List.of(type(r.type())) : types(r.typeList());
    return unique(new Type.FunctionType(inputs, results));
  }

  private Type namedType(String text, Token at) {
    switch (text) {
      case "index":
        return Type.IndexType.INSTANCE;
      case "none":
        return Type.NoneType.INSTANCE;
      case "f16":
        return Type.FloatType.F16;
      case "bf16":
        return Type.FloatType.BF16;
      case "f32":
        return Type.FloatType.F32;
      case "f64":
        return Type.FloatType.F64;
      default:
        break;
    }
    Type.Signedness sign = Type.Signedness.SIGNLESS;
    String digits = null;
    if (text.startsWith("si")) {
      sign = Type.Signedness.SIGNED;
      digits = text.substring(2);
    } else if (text.startsWith("ui")) {
      sign = Type.Signedness.UNSIGNED;
      digits = text.substring(2);
    } else if (text.startsWith("i")) {
      digits = text.substring(1);
    }
    if (digits != null && !digits.isEmpty() && digits.chars().allMatch(Character::isDigit)) {
      if (digits.length() > 8 || Long.parseLong(digits) > 16777215) {
        throw error(at, "integer bitwidth is limited to 16777215 bits");
      }
      return new Type.IntegerType(Integer.parseInt(digits), sign);
    }
    throw error(at, "expected non-function type");
  }

  private Type shapedType(Token kw, MlirParser.ShapedBodyContext body) {
    String kind = kw.getText();
    switch (kind) {
      case "tensor":
      case "vector": {
        List<Long> shape = new ArrayList<>();
        Type element;
        Attribute encoding = null;
        boolean unranked = false;
        if (body instanceof MlirParser.DimsBodyContext d) {
          if (d.DIMS() != null) {
            String dims = d.DIMS().getText();
            if (dims.startsWith("*x")) {
              if (dims.length() > 2 || kind.equals("vector")) {
                throw error(d.DIMS().getSymbol(), kind.equals("vector")
                    ? "expected dimension size in vector type"
                    : "expected '>' in tensor type");
              }
              unranked = true;
            } else {
              for (String dim : dims.split("x")) {
                if (dim.equals("?")) {
                  if (kind.equals("vector")) {
                    throw error(d.DIMS().getSymbol(), "expected static shape");
                  }
                  shape.add(Type.DYNAMIC);
                } else {
                  shape.add(parseDim(dim, d.DIMS().getSymbol()));
                }
              }
            }
          }
          element = type(d.type());
          if (d.attribute() != null) {
            if (!kind.equals("tensor") || unranked) {
              throw error(d.attribute(), "unexpected ',' in " + kind + " type");
            }
            encoding = attribute(d.attribute());
          }
        } else if (body instanceof MlirParser.ListBodyContext l && l.typeList() != null
            && l.typeList().type().size() == 1) {
          element = type(l.typeList().type(0));
        } else if (body instanceof MlirParser.ZeroDimHexBodyContext h) {
          // `tensor<0xf32>` lexes `0xf32` as a hex number.
          String text = h.HEX().getText();
          String elem = text.substring(2);
          if (!List.of("f16", "bf16", "f32", "f64").contains(elem)) {
            throw error(h.HEX().getSymbol(), "expected element type in " + kind + " type");
          }
          shape.add(0L);
          element = namedType(elem, h.HEX().getSymbol());
          if (h.attribute() != null) {
            encoding = attribute(h.attribute());
          }
        } else {
          throw error(body != null ? body.getStart() : kw, "expected element type in " + kind
              + " type");
        }
        if (!isValidElementType(element, kind)) {
          throw error(kw, "invalid " + kind + " element type");
        }
        if (kind.equals("vector")) {
          for (long d : shape) {
            if (d == 0) {
              throw error(kw, "vector types must have positive constant sizes");
            }
          }
          return new Type.VectorType(shape, element);
        }
        return unranked ? new Type.UnrankedTensorType(element)
            : new Type.RankedTensorType(shape, element, encoding);
      }
      case "complex": {
        List<Type> ts = body instanceof MlirParser.ListBodyContext l ? types(l.typeList())
            : body instanceof MlirParser.DimsBodyContext d && d.DIMS() == null
                && d.attribute() == null ? List.of(type(d.type())) : null;
        if (ts == null || ts.size() != 1
            || !(ts.get(0) instanceof Type.IntegerType || ts.get(0) instanceof Type.FloatType)) {
          throw error(kw, "invalid element type for complex");
        }
        return new Type.ComplexType(ts.get(0));
      }
      case "tuple": {
        if (body instanceof MlirParser.ListBodyContext l) {
          return new Type.TupleType(types(l.typeList()));
        }
        if (body instanceof MlirParser.DimsBodyContext d && d.DIMS() == null
            && d.attribute() == null) {
          return new Type.TupleType(List.of(type(d.type())));
        }
        throw error(kw, "expected type in tuple type");
      }
      default:
        throw error(kw, "expected non-function type");
    }
  }

  private static boolean isValidElementType(Type t, String kind) {
    if (kind.equals("vector")) {
      return t instanceof Type.IntegerType || t instanceof Type.FloatType
          || t instanceof Type.IndexType;
    }
    return !(t instanceof Type.FunctionType || t instanceof Type.RankedTensorType
        || t instanceof Type.UnrankedTensorType);
  }

  private long parseDim(String dim, Token at) {
    try {
      long v = Long.parseLong(dim);
      if (v > Long.MAX_VALUE / 2) {
        throw error(at, "invalid dimension");
      }
      return v;
    } catch (NumberFormatException e) {
      throw error(at, "invalid dimension");
    }
  }

  // ---- Attributes ----

  DictionaryAttr dictionary(MlirParser.AttrDictContext ctx) {
    return ctx == null ? DictionaryAttr.EMPTY : entries(ctx.attrEntryList());
  }

  DictionaryAttr entries(MlirParser.AttrEntryListContext ctx) {
    if (ctx == null) {
      return DictionaryAttr.EMPTY;
    }
    List<NamedAttribute> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (MlirParser.AttrEntryContext e : ctx.attrEntry()) {
      String name = unique(e.name.BARE_ID() != null ? e.name.BARE_ID().getText()
          : Bytes.toUtf8(unquote(e.name.STRING().getSymbol())));
      if (name.isEmpty()) {
        throw error(e.name, "expected valid attribute name");
      }
      if (!seen.add(name)) {
        throw error(e.name, "duplicate key '" + name + "' in dictionary attribute");
      }
      Attribute value = e.attribute() == null ? Attribute.UnitAttr.INSTANCE
          : attribute(e.attribute());
      out.add(new NamedAttribute(name, value));
    }
    return new DictionaryAttr(out);
  }

  Attribute attribute(MlirParser.AttributeContext ctx) {
    return unique(attributeUncached(ctx));
  }

  private Attribute attributeUncached(MlirParser.AttributeContext ctx) {
    if (ctx instanceof MlirParser.NumberAttrContext n) {
      Type type = n.type() == null ? null : type(n.type());
      return number(n.number(), type);
    }
    if (ctx instanceof MlirParser.StringAttrContext s) {
      return new Attribute.StringAttr(unquote(s.STRING().getSymbol()),
          s.type() == null ? null : type(s.type()));
    }
    if (ctx instanceof MlirParser.ArrayAttrContext a) {
      List<Attribute> elements = new ArrayList<>();
      for (MlirParser.AttributeContext e : a.attribute()) {
        elements.add(attribute(e));
      }
      return new Attribute.ArrayAttr(elements);
    }
    if (ctx instanceof MlirParser.DictAttrContext d) {
      return dictionary(d.attrDict());
    }
    if (ctx instanceof MlirParser.SymbolRefAttrContext s) {
      List<String> parts = new ArrayList<>();
      for (TerminalNode id : s.AT_ID()) {
        parts.add(symbolName(id.getSymbol()));
      }
      return new Attribute.SymbolRefAttr(parts.get(0), parts.subList(1, parts.size()));
    }
    if (ctx instanceof MlirParser.DialectAttrContext d) {
      String text = d.HASH_ID().getText().substring(1);
      if (text.indexOf('.') < 0 && text.indexOf('<') < 0) {
        Attribute aliased = attrAliases.get(text);
        if (aliased == null) {
          throw error(d.getStart(), "undefined symbol alias id '" + text + "'");
        }
        return aliased;
      }
      return new OpaqueAttr(text, d.type() == null ? null : type(d.type()));
    }
    if (ctx instanceof MlirParser.DenseAttrContext d) {
      return dense(d);
    }
    if (ctx instanceof MlirParser.DenseArrayAttrContext d) {
      return denseArray(d);
    }
    if (ctx instanceof MlirParser.UnitAttrContext) {
      return Attribute.UnitAttr.INSTANCE;
    }
    if (ctx instanceof MlirParser.BoolAttrContext b) {
      return Attribute.IntegerAttr.bool(b.getText().equals("true"));
    }
    MlirParser.TypeAttrContext t = (MlirParser.TypeAttrContext) ctx;
    return new Attribute.TypeAttr(type(t.type()));
  }

  String symbolName(Token t) {
    String text = t.getText().substring(1);
    return text.startsWith("\"") ? Bytes.toUtf8(unquoteText(text, t)) : text;
  }

  private Attribute number(MlirParser.NumberContext n, Type type) {
    boolean negative = n.MINUS() != null;
    Token lit = n.getStop();
    String text = lit.getText();
    if (type == null) {
      type = n.FLOAT() != null ? Type.FloatType.F64 : Type.IntegerType.I64;
    }
    if (type instanceof Type.FloatType f) {
      return new Attribute.FloatAttr(floatBits(n, f.kind()), f);
    }
    if (!(type instanceof Type.IntegerType || type instanceof Type.IndexType)) {
      throw error(n, "invalid type for number literal");
    }
    if (n.FLOAT() != null) {
      throw error(lit, "floating point value not valid for specified type");
    }
    BigInteger v = parseInteger(text);
    if (negative) {
      v = v.negate();
    }
    return new Attribute.IntegerAttr(fitInteger(v, type, lit), type);
  }

  private static BigInteger parseInteger(String text) {
    return text.startsWith("0x") ? new BigInteger(text.substring(2), 16) : new BigInteger(text);
  }

  /** The raw bits of a literal for a float element, from decimal, integer or hex text. */
  BigInteger floatBits(MlirParser.NumberContext n, Type.FloatKind kind) {
    boolean negative = n.MINUS() != null;
    Token lit = n.getStop();
    String text = lit.getText();
    if (n.HEX() != null) {
      if (negative) {
        throw error(lit, "hexadecimal float literal should not have a leading minus");
      }
      BigInteger bits = new BigInteger(text.substring(2), 16);
      if (bits.bitLength() > kind.width()) {
        throw error(lit, "hexadecimal float constant out of range for type");
      }
      return bits;
    }
    return FloatFormat.parse((negative ? "-" : "") + text, kind);
  }

  /**
   * Checks that `v` fits `type` and returns it as MLIR stores it: signed for signless and
   * signed types, unsigned for unsigned types.
   */
  BigInteger fitInteger(BigInteger v, Type type, Token at) {
    int width = type instanceof Type.IntegerType i ? i.width() : 64;
    boolean unsigned = type instanceof Type.IntegerType i && i.isUnsigned();
    boolean signed = type instanceof Type.IntegerType i
        && i.signedness() == Type.Signedness.SIGNED || type instanceof Type.IndexType;
    if (unsigned && v.signum() < 0) {
      throw error(at, "negative integer literal not valid for unsigned integer type");
    }
    BigInteger limit = BigInteger.ONE.shiftLeft(width);
    BigInteger half = BigInteger.ONE.shiftLeft(Math.max(width - 1, 0));
    boolean fits = v.signum() >= 0
        ? v.compareTo(signed ? half : limit) < 0 || width == 0 && v.signum() == 0
        : v.negate().compareTo(half) <= 0 && width > 0;
    if (!fits) {
      throw error(at, "integer constant out of range for attribute");
    }
    if (unsigned || width == 0) {
      return v;
    }
    BigInteger wrapped = v.mod(limit);
    return wrapped.compareTo(half) >= 0 && width > 1 ? wrapped.subtract(limit) : wrapped;
  }

  private Attribute denseArray(MlirParser.DenseArrayAttrContext d) {
    Type element = type(d.type());
    List<BigInteger> values = new ArrayList<>();
    for (MlirParser.ElementContext e : d.element()) {
      values.add(elementValue(e, element));
    }
    if (!(element instanceof Type.IntegerType || element instanceof Type.FloatType)) {
      throw error(d.type(), "expected integer or float type, got: "
          + cimir.print.IrPrinter.typeToString(element));
    }
    return new Attribute.DenseArrayAttr(element, values);
  }

  /** One scalar element of `dense` or `array`: an integer value or raw float bits. */
  private BigInteger elementValue(MlirParser.ElementContext e, Type element) {
    if (e.number() == null) {
      boolean value = e.getText().equals("true");
      if (!(element instanceof Type.IntegerType i && i.width() == 1)) {
        throw error(e, "expected integer elements, but parsed boolean");
      }
      return value ? BigInteger.ONE : BigInteger.ZERO;
    }
    MlirParser.NumberContext n = e.number();
    if (element instanceof Type.FloatType f) {
      return floatBits(n, f.kind());
    }
    if (n.FLOAT() != null) {
      throw error(n, "expected integer elements, but parsed floating-point");
    }
    BigInteger v = parseInteger(n.getStop().getText());
    if (n.MINUS() != null) {
      v = v.negate();
    }
    if (element instanceof Type.IntegerType i && i.width() == 1) {
      if (v.signum() < 0 || v.compareTo(BigInteger.ONE) > 0) {
        throw error(n, "integer constant out of range for type");
      }
      return v;
    }
    try {
      return fitInteger(v, element, n.getStop());
    } catch (ParseError err) {
      throw error(n, "integer constant out of range for type");
    }
  }

  private Attribute dense(MlirParser.DenseAttrContext d) {
    if (d.type() == null) {
      throw error(d.getStop(), "expected ':'");
    }
    Type t = type(d.type());
    if (!(t instanceof Type.ShapedType shaped) || !shaped.hasStaticShape()) {
      throw error(d.type(), "elements literal must be a shaped type with static shape");
    }
    Type element = shaped.elementType();
    boolean complex = element instanceof Type.ComplexType;
    Type scalar = complex ? ((Type.ComplexType) element).elementType() : element;
    if (!(scalar instanceof Type.IntegerType || scalar instanceof Type.FloatType
        || scalar instanceof Type.IndexType)) {
      throw error(d.type(), "expected integer, float or complex element type");
    }
    long count = shaped.numElements();
    if (d.denseBody() == null) {
      if (count != 0) {
        throw error(d.getStart(), "parsed zero elements, but type ("
            + cimir.print.IrPrinter.typeToString(t) + ") expected at least 1");
      }
      return new Attribute.DenseElementsAttr(shaped, List.of(), false);
    }
    if (d.denseBody() instanceof MlirParser.DenseHexContext h) {
      return denseHex(h, shaped, scalar, complex, count);
    }
    MlirParser.DenseElementContext root = ((MlirParser.DenseListContext) d.denseBody())
        .denseElement();
    List<BigInteger> values = new ArrayList<>();
    if (root.LBRACKET() == null) {
      addElement(root, scalar, complex, values);
      return Attribute.DenseElementsAttr.of(shaped, values);
    }
    List<Long> shape = shaped.shapeOrNull();
    List<Long> parsedShape = new ArrayList<>();
    collectShape(root, parsedShape, 0);
    if (!parsedShape.equals(shape)) {
      throw error(root, "inferred shape of elements literal ([" + joinDims(parsedShape)
          + "]) does not match type ([" + joinDims(shape) + "])");
    }
    flatten(root, scalar, complex, values);
    return Attribute.DenseElementsAttr.of(shaped, values);
  }

  private static String joinDims(List<Long> dims) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < dims.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(dims.get(i));
    }
    return sb.toString();
  }

  private void collectShape(MlirParser.DenseElementContext e, List<Long> shape, int depth) {
    if (e.LBRACKET() == null) {
      return;
    }
    long n = e.denseElement().size();
    if (shape.size() == depth) {
      shape.add(n);
    } else if (shape.get(depth) != n) {
      throw error(e, "tensor literal is invalid; ranks are not consistent between elements");
    }
    boolean first = true;
    boolean nested = false;
    for (MlirParser.DenseElementContext c : e.denseElement()) {
      boolean isList = c.LBRACKET() != null;
      if (first) {
        nested = isList;
        first = false;
      } else if (nested != isList) {
        throw error(c, "tensor literal is invalid; ranks are not consistent between elements");
      }
      collectShape(c, shape, depth + 1);
    }
    if (!nested && shape.size() > depth + 1 && n > 0) {
      throw error(e, "tensor literal is invalid; ranks are not consistent between elements");
    }
  }

  private void flatten(MlirParser.DenseElementContext e, Type scalar, boolean complex,
      List<BigInteger> out) {
    if (e.LBRACKET() == null) {
      addElement(e, scalar, complex, out);
      return;
    }
    for (MlirParser.DenseElementContext c : e.denseElement()) {
      flatten(c, scalar, complex, out);
    }
  }

  private void addElement(MlirParser.DenseElementContext e, Type scalar, boolean complex,
      List<BigInteger> out) {
    if (e.LBRACKET() != null) {
      throw error(e, "expected element literal");
    }
    if (complex != (e.LPAREN() != null)) {
      throw error(e, complex ? "expected '(' for complex element"
          : "unexpected '(' for non-complex element type");
    }
    for (MlirParser.ElementContext el : e.element()) {
      out.add(elementValue(el, scalar));
    }
  }

  private Attribute denseHex(MlirParser.DenseHexContext h, Type.ShapedType shaped, Type scalar,
      boolean complex, long count) {
    String s = Bytes.toUtf8(unquote(h.STRING().getSymbol()));
    if (!s.startsWith("0x") || (s.length() % 2) != 0
        || !s.substring(2).chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      throw error(h.STRING().getSymbol(), "expected string containing hex digits starting with"
          + " `0x`");
    }
    int width = scalar instanceof Type.IntegerType i ? i.width()
        : scalar instanceof Type.FloatType f ? f.kind().width() : 64;
    int numBytes = (s.length() - 2) / 2;
    if (width == 1 && !complex) {
      return denseHexBits(h, shaped, s, numBytes, count);
    }
    int bytesPerValue = (width + 7) / 8;
    int perElement = complex ? 2 : 1;
    long values = numBytes / bytesPerValue;
    boolean splat = values == perElement && count != 1;
    if (numBytes % bytesPerValue != 0 || (!splat && values != count * perElement)) {
      throw error(h.STRING().getSymbol(), "elements hex data size is invalid for provided type");
    }
    List<BigInteger> out = new ArrayList<>();
    for (int v = 0; v < values; v++) {
      BigInteger raw = BigInteger.ZERO;
      for (int b = bytesPerValue - 1; b >= 0; b--) {
        int at = 2 + 2 * (v * bytesPerValue + b);
        raw = raw.shiftLeft(8).or(BigInteger.valueOf(Integer.parseInt(s.substring(at, at + 2),
            16)));
      }
      if (scalar instanceof Type.IntegerType i && !i.isUnsigned() && raw.testBit(width - 1)) {
        raw = raw.subtract(BigInteger.ONE.shiftLeft(width));
      } else if (scalar instanceof Type.IndexType && raw.testBit(63)) {
        raw = raw.subtract(BigInteger.ONE.shiftLeft(64));
      }
      out.add(raw);
    }
    return Attribute.DenseElementsAttr.of(shaped, out);
  }

  /** i1 elements in hex are packed eight to a byte, least significant bit first. */
  private Attribute denseHexBits(MlirParser.DenseHexContext h, Type.ShapedType shaped, String s,
      int numBytes, long count) {
    List<BigInteger> out = new ArrayList<>();
    if (numBytes == 1 && count != 1) {
      out.add(s.substring(2).equals("00") ? BigInteger.ZERO : BigInteger.ONE);
      return Attribute.DenseElementsAttr.of(shaped, out);
    }
    if (numBytes != (count + 7) / 8) {
      throw error(h.STRING().getSymbol(), "elements hex data size is invalid for provided type");
    }
    for (long i = 0; i < count; i++) {
      int at = 2 + 2 * (int) (i / 8);
      int octet = Integer.parseInt(s.substring(at, at + 2), 16);
      out.add(((octet >> (i % 8)) & 1) != 0 ? BigInteger.ONE : BigInteger.ZERO);
    }
    return Attribute.DenseElementsAttr.of(shaped, out);
  }

  // ---- Strings ----

  /** The bytes of a string literal token (one char per byte). */
  String unquote(Token t) {
    return unquoteText(t.getText(), t);
  }

  private String unquoteText(String text, Token at) {
    StringBuilder out = new StringBuilder(text.length());
    String body = text.substring(1, text.length() - 1);
    if (body.indexOf('\\') < 0 && body.chars().allMatch(c -> c < 0x80)) {
      return body;
    }
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c != '\\') {
        if (c < 0x80) {
          out.append(c);
        } else {
          out.append(Bytes.fromUtf8(String.valueOf(c)));
        }
        continue;
      }
      char e = i + 1 < body.length() ? body.charAt(i + 1) : 0;
      switch (e) {
        case '"', '\\' -> out.append(e);
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        default -> {
          int hi = i + 2 < body.length() ? Character.digit(e, 16) : -1;
          int lo = hi >= 0 ? Character.digit(body.charAt(i + 2), 16) : -1;
          if (lo < 0) {
            throw new ParseError(new Location.FileLineCol(file, at.getLine() + lineOffset,
                at.getCharPositionInLine() + 2 + i), "unknown escape in string literal");
          }
          out.append((char) (hi * 16 + lo));
          i++;
        }
      }
      i++;
    }
    return out.toString();
  }

  // ---- Locations ----

  Location location(MlirParser.LocationContext ctx) {
    if (ctx instanceof MlirParser.FileLineColLocContext f) {
      return new Location.FileLineCol(Bytes.toUtf8(unquote(f.STRING().getSymbol())),
          Integer.parseInt(f.INT(0).getText()), Integer.parseInt(f.INT(1).getText()));
    }
    if (ctx instanceof MlirParser.NameLocContext n) {
      return new Location.Name(Bytes.toUtf8(unquote(n.STRING().getSymbol())),
          n.location() == null ? null : location(n.location()));
    }
    if (ctx instanceof MlirParser.UnknownLocContext) {
      return Location.Unknown.INSTANCE;
    }
    if (ctx instanceof MlirParser.CallSiteLocContext c) {
      if (!c.BARE_ID(1).getText().equals("at")) {
        throw error(c.BARE_ID(1).getSymbol(), "expected 'at' in callsite location");
      }
      return new Location.CallSite(location(c.location(0)), location(c.location(1)));
    }
    if (ctx instanceof MlirParser.FusedLocContext f) {
      List<Location> locs = new ArrayList<>();
      for (MlirParser.LocationContext l : f.location()) {
        locs.add(location(l));
      }
      return new Location.Fused(locs, f.attribute() == null ? null : attribute(f.attribute()));
    }
    Token alias = ((MlirParser.AliasLocContext) ctx).HASH_ID().getSymbol();
    Location known = locAliases.get(alias.getText().substring(1));
    if (known == null) {
      throw new UnresolvedAlias(alias);
    }
    return known;
  }
}
