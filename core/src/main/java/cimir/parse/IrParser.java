package cimir.parse;

import cimir.dialect.builtin.BuiltinDialect;
import cimir.dialect.func.FuncDialect;
import cimir.grammar.MlirLexer;
import cimir.grammar.MlirParser;
import cimir.ir.Attribute;
import cimir.ir.Attribute.DictionaryAttr;
import cimir.ir.Attribute.NamedAttribute;
import cimir.ir.Block;
import cimir.ir.Context;
import cimir.ir.Location;
import cimir.ir.OpDef;
import cimir.ir.Operation;
import cimir.ir.Region;
import cimir.ir.Type;
import cimir.ir.Value;
import cimir.print.IrPrinter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenFactory;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.InputMismatchException;
import org.antlr.v4.runtime.NoViableAltException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.UnbufferedTokenStream;
import org.antlr.v4.runtime.misc.IntervalSet;
import org.antlr.v4.runtime.misc.ParseCancellationException;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Reads MLIR textual IR into operations. Top-level operations are parsed and built one at a
 * time, so memory stays proportional to the IR, not to the parse tree of the whole file. The
 * first error stops parsing and becomes one diagnostic.
 */
public final class IrParser {
  private final Context ctx;
  private final String file;
  private final AttrParser attrs;
  private final Map<String, OpDef> opCache = new HashMap<>();
  private final Scopes scopes = new Scopes();

  private final int lineOffset;

  private IrParser(Context ctx, String file, int lineOffset) {
    this.lineOffset = lineOffset;
    this.ctx = ctx;
    this.file = file;
    this.attrs = new AttrParser(file, lineOffset);
  }

  /**
   * Parses `text` (named `file` in diagnostics, its first line being line `1 + lineOffset`)
   * into a `builtin.module`, wrapping top-level ops in one when needed. Returns null after
   * reporting an error.
   */
  public static Operation parse(Context ctx, String file, String text, int lineOffset) {
    IrParser p = new IrParser(ctx, file, lineOffset);
    try {
      return p.parseFile(text);
    } catch (ParseError e) {
      var d = ctx.diagnostics().error(e.location, e.getMessage());
      if (e.note != null) {
        d.attachNote(e.noteLocation, e.note);
      }
      return null;
    } catch (StackOverflowError e) {
      ctx.diagnostics().error(new Location.FileLineCol(file, 1 + lineOffset, 1),
          "nesting is too deep to parse");
      return null;
    }
  }

  public static Operation parse(Context ctx, String file, String text) {
    return parse(ctx, file, text, 0);
  }

  private Operation parseFile(String text) {
    MlirLexer lexer = new MlirLexer(CharStreams.fromString(text, file));
    lexer.setTokenFactory(new CommonTokenFactory(true));
    lexer.removeErrorListeners();
    MlirParser parser = new MlirParser(new UnbufferedTokenStream<>(lexer, 64));
    parser.removeErrorListeners();
    parser.addErrorListener(new BaseErrorListener() {
      @Override
      public void syntaxError(Recognizer<?, ?> r, Object symbol, int line, int col, String msg,
          RecognitionException e) {
        Token at = (Token) symbol;
        Token prev = ((Parser) r).getInputStream().LT(-1);
        if (prev != null && prev != at && (at.getType() == Token.EOF
            || at.getLine() > prev.getLine())) {
          // As MLIR: an error at the start of a line is reported after the previous token.
          int length = prev.getText() == null ? 1 : prev.getText().length();
          throw new ParseError(new Location.FileLineCol(file, prev.getLine() + lineOffset,
              prev.getCharPositionInLine() + 1 + length), msg);
        }
        throw new ParseError(attrs.loc(at), msg);
      }
    });
    parser.setErrorHandler(new FirstErrorStrategy());
    parser.setBuildParseTree(true);
    parser.getInterpreter().setPredictionMode(org.antlr.v4.runtime.atn.PredictionMode.SLL);

    Location fileLoc = new Location.FileLineCol(file, 0, 0);
    Block top = new Block();
    scopes.pushIsolated();
    Region topRegion = null;
    List<Operation> ops = new ArrayList<>();
    while (parser.getInputStream().LA(1) != Token.EOF) {
      MlirParser.TopLevelContext item = parser.topLevel();
      if (item.aliasDef() != null) {
        attrs.defineAlias(item.aliasDef());
        continue;
      }
      Operation op = operation(item.operation());
      ops.add(op);
      top.append(op);
    }
    scopes.popIsolated(attrs);
    resolveDeferredLocations();
    if (ops.size() == 1 && ops.get(0).def() == BuiltinDialect.MODULE) {
      top.remove(ops.get(0));
      return ops.get(0);
    }
    Operation module = Operation.create("builtin.module", BuiltinDialect.MODULE, List.of(),
        List.of(), null, null, List.of(), 1, fileLoc);
    topRegion = module.region(0);
    topRegion.addBlock(top);
    return module;
  }

  /** Reports the first syntax error with the tokens that would have been accepted. */
  private final class FirstErrorStrategy extends DefaultErrorStrategy {
    @Override
    public void reportError(Parser recognizer, RecognitionException e) {
      Token t = e.getOffendingToken();
      if (e instanceof NoViableAltException nva && e.getCtx() != null
          && e.getCtx().getRuleIndex() == MlirParser.RULE_opBody
          && nva.getStartToken().getType() == MlirLexer.BARE_ID) {
        throw unknownCustomOp(nva.getStartToken());
      }
      if (t != null && t.getType() == MlirLexer.UNKNOWN && t.getText().equals("\"")) {
        recognizer.notifyErrorListeners(t, "expected '\"' in string literal", e);
        return;
      }
      String found = describe(t);
      String msg;
      String specific = specificMessage(recognizer, t, e.getExpectedTokens());
      if (specific != null) {
        msg = specific;
      } else if (e instanceof NoViableAltException || e instanceof InputMismatchException) {
        msg = expected(recognizer, e.getExpectedTokens(), found);
      } else {
        msg = "unexpected " + found;
      }
      recognizer.notifyErrorListeners(t, msg, e);
    }

    @Override
    public Token recoverInline(Parser recognizer) {
      InputMismatchException e = new InputMismatchException(recognizer);
      reportError(recognizer, e);
      throw new ParseCancellationException(e);
    }

    @Override
    public void recover(Parser recognizer, RecognitionException e) {
      throw new ParseCancellationException(e);
    }

    @Override
    public void sync(Parser recognizer) {}

    @Override
    protected void reportUnwantedToken(Parser recognizer) {
      Token t = recognizer.getCurrentToken();
      String specific = specificMessage(recognizer, t, getExpectedTokens(recognizer));
      if (specific != null) {
        recognizer.notifyErrorListeners(t, specific, null);
        return;
      }
      if (t != null && t.getType() == MlirLexer.UNKNOWN && t.getText().equals("\"")) {
        recognizer.notifyErrorListeners(t, "expected '\"' in string literal", null);
        return;
      }
      recognizer.notifyErrorListeners(t, expected(recognizer, getExpectedTokens(recognizer),
          describe(t)), null);
    }

    @Override
    protected void reportMissingToken(Parser recognizer) {
      reportUnwantedToken(recognizer);
    }

    /** MLIR's wording for the common syntax errors, chosen from the rule and expected tokens. */
    private String specificMessage(Parser recognizer, Token t, IntervalSet expected) {
      if (t == null) {
        return null;
      }
      if (t.getType() == MlirLexer.BARE_ID && expected != null
          && expected.contains(MlirLexer.STRING) && expected.contains(MlirLexer.PERCENT_ID)) {
        throw unknownCustomOp(t); // a bare word where an operation starts
      }
      if (t.getType() == MlirLexer.UNKNOWN) {
        return switch (t.getText()) {
          case "\"" -> "expected '\"' in string literal";
          case "@" -> "@ identifier expected to start with letter or '_'";
          default -> "unexpected character";
        };
      }
      if (t.getType() == MlirLexer.LT && t.getTokenIndex() > 0) {
        Token prev = recognizer.getInputStream().LT(-1);
        if (prev != null && (prev.getType() == MlirLexer.EXCL_ID
            || prev.getType() == MlirLexer.HASH_ID) && prev.getStopIndex() + 1 == t.getStartIndex()) {
          String rest = t.getInputStream().getText(org.antlr.v4.runtime.misc.Interval.of(
              t.getStartIndex(), t.getStartIndex() + 400));
          int nl = rest.indexOf('\n');
          String line = nl < 0 ? rest : rest.substring(0, nl);
          return line.chars().filter(c -> c == '"').count() % 2 == 1
              ? "expected '\"' in string literal"
              : "unbalanced brackets in pretty dialect name: unbalanced '<' character in pretty"
                  + " dialect name";
        }
      }
      if (expected == null) {
        return null;
      }
      int rule = recognizer.getContext() == null ? -1 : recognizer.getContext().getRuleIndex();
      if (rule == MlirParser.RULE_genericOp && expected.contains(MlirLexer.RPAREN)
          && !expected.contains(MlirLexer.PERCENT_ID)) {
        return "expected ')' to end operand list";
      }
      if (rule == MlirParser.RULE_genericOp && expected.contains(MlirLexer.COLON)) {
        return "expected ':' followed by operation type";
      }
      if (rule == MlirParser.RULE_operation && expected.contains(MlirLexer.EQUAL)) {
        return "expected '=' after SSA name";
      }
      if (rule == MlirParser.RULE_operation || rule == MlirParser.RULE_opBody
          || rule == MlirParser.RULE_topLevel) {
        return "expected operation name in quotes";
      }
      if (rule == MlirParser.RULE_type || rule == MlirParser.RULE_typeList
          || rule == MlirParser.RULE_resultTypes || rule == MlirParser.RULE_shapedBody) {
        return "expected non-function type";
      }
      if (expected.contains(MlirLexer.LBRACE) && (rule == MlirParser.RULE_region
          || rule == MlirParser.RULE_funcOp || rule == MlirParser.RULE_moduleOp)) {
        return "expected '{' to begin a region";
      }
      return null;
    }

    private static String expected(Parser recognizer, IntervalSet expected, String found) {
      if (expected == null || expected.isNil()) {
        return "unexpected " + found;
      }
      List<String> names = new ArrayList<>();
      for (int type : expected.toList()) {
        names.add(tokenName(recognizer, type));
      }
      if (names.size() > 6) {
        return "unexpected " + found;
      }
      return "expected " + String.join(" or ", names) + ", but found " + found;
    }

    private static String tokenName(Parser recognizer, int type) {
      return switch (type) {
        case MlirLexer.BARE_ID -> "identifier";
        case MlirLexer.PERCENT_ID -> "SSA value";
        case MlirLexer.CARET_ID -> "block name";
        case MlirLexer.AT_ID -> "symbol";
        case MlirLexer.STRING -> "string";
        case MlirLexer.INT -> "integer";
        case MlirLexer.FLOAT -> "float";
        case MlirLexer.HEX -> "hexadecimal integer";
        case MlirLexer.DIMS -> "dimensions";
        case MlirLexer.EXCL_ID -> "dialect type";
        case MlirLexer.HASH_ID -> "attribute";
        case Token.EOF -> "end of file";
        default -> recognizer.getVocabulary().getLiteralName(type) != null
            ? recognizer.getVocabulary().getLiteralName(type)
            : "'" + recognizer.getVocabulary().getSymbolicName(type) + "'";
      };
    }

    private static String describe(Token t) {
      if (t == null || t.getType() == Token.EOF) {
        return "end of file";
      }
      String text = t.getText();
      if (t.getType() == MlirLexer.UNKNOWN && text.equals("\"")) {
        return "unterminated string";
      }
      return "'" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'";
    }
  }

  // ---- Locations ----

  /** A trailing location that names an alias defined later, and what to set once it is. */
  private record DeferredLocation(MlirParser.LocationContext ctx, Consumer<Location> set) {}

  private final List<DeferredLocation> deferred = new ArrayList<>();

  /**
   * The location `t` spells, or `fallback` when there is none. A location alias defined later
   * in the file (mlir-opt prints `#loc` definitions at the end) is filled in through `later`
   * once the whole file is read.
   */
  private Location trailing(MlirParser.TrailingLocContext t, Location fallback,
      Consumer<Location> later) {
    if (t == null) {
      return fallback;
    }
    try {
      return attrs.location(t.location());
    } catch (AttrParser.UnresolvedAlias e) {
      deferred.add(new DeferredLocation(t.location(), later));
      return Location.Unknown.INSTANCE;
    }
  }

  private void resolveDeferredLocations() {
    for (DeferredLocation d : deferred) {
      try {
        d.set().accept(attrs.location(d.ctx()));
      } catch (AttrParser.UnresolvedAlias e) {
        throw attrs.error(e.at, "undefined symbol alias id '" + e.at.getText().substring(1)
            + "'");
      }
    }
  }

  // ---- Operations ----

  private Operation operation(MlirParser.OperationContext c) {
    Operation[] created = new Operation[1];
    // As in MLIR, an op is located at its name, after any results.
    Location loc = trailing(c.trailingLoc(), attrs.loc(c.opBody()),
        l -> created[0].setLocation(l));
    MlirParser.OpBodyContext body = c.opBody();
    Operation op;
    if (body.genericOp() != null) {
      op = genericOp(body.genericOp(), loc);
    } else if (body.moduleOp() != null) {
      op = moduleOp(body.moduleOp(), loc);
    } else if (body.funcOp() != null) {
      op = funcOp(body.funcOp(), loc);
    } else if (body.returnOp() != null) {
      op = returnOp(body.returnOp(), loc);
    } else {
      op = castOp(body.castOp(), loc);
    }
    created[0] = op;
    bindResults(c, op);
    return op;
  }

  private void bindResults(MlirParser.OperationContext c, Operation op) {
    if (c.resultList() == null) {
      return;
    }
    int total = 0;
    for (MlirParser.ResultGroupContext g : c.resultList().resultGroup()) {
      total += g.INT() == null ? 1 : Integer.parseInt(g.INT().getText());
    }
    if (total != op.numResults()) {
      throw attrs.error(c, "operation defines " + op.numResults() + " results but was provided "
          + total + " to bind");
    }
    int next = 0;
    for (MlirParser.ResultGroupContext g : c.resultList().resultGroup()) {
      int n = g.INT() == null ? 1 : Integer.parseInt(g.INT().getText());
      if (n == 0) {
        throw attrs.error(g.INT().getSymbol(), "expected named operation to have at least 1 result");
      }
      Token id = g.PERCENT_ID().getSymbol();
      if (id.getText().indexOf('#') >= 0) {
        throw attrs.error(id, "expected valid ssa identifier");
      }
      scopes.define(id.getText(), new ArrayList<>(op.results().subList(next, next + n)),
          attrs.loc(id), attrs);
      next += n;
    }
  }

  /** MLIR's words for a custom-form op that cannot be parsed. */
  private ParseError unknownCustomOp(Token at) {
    String name = at.getText();
    int dot = name.indexOf('.');
    if (dot > 0 && !ctx.isDialectRegistered(name.substring(0, dot))) {
      return attrs.error(at, "Dialect `" + name.substring(0, dot) + "' not found for custom op '"
          + name + "'");
    }
    return attrs.error(at, "custom op '" + name + "' is unknown");
  }

  private OpDef lookup(String name, Token at) {
    if (opCache.containsKey(name)) {
      return opCache.get(name);
    }
    OpDef def = ctx.lookupOp(name);
    if (def == null) {
      int dot = name.indexOf('.');
      String dialect = dot < 0 ? "" : name.substring(0, dot);
      if (dot <= 0 || dot == name.length() - 1) {
        throw attrs.error(at, "custom op '" + name + "' is unknown");
      }
      if (ctx.acceptsUnknownOp(name)) {
        opCache.put(name, null);
        return null;
      }
      if (ctx.isDialectRegistered(dialect)) {
        throw attrs.error(at, "unregistered operation '" + name + "' found in dialect ('"
            + dialect + "') that does not allow unknown operations");
      }
      if (!ctx.allowUnregistered()) {
        throw attrs.error(at, "operation being parsed with an unregistered dialect. If this is"
            + " intended, please use -allow-unregistered-dialect with the MLIR tool used");
      }
    }
    opCache.put(name, def);
    return def;
  }

  private Operation genericOp(MlirParser.GenericOpContext g, Location loc) {
    Token nameTok = g.STRING().getSymbol();
    String name = attrs.unique(cimir.ir.Bytes.toUtf8(attrs.unquote(nameTok)));
    OpDef def = lookup(name, nameTok);
    Type.FunctionType fnType = attrs.functionType(g.functionType());
    List<Token> uses = valueUses(g.valueUseList());
    if (uses.size() != fnType.inputs().size()) {
      throw attrs.error(g.functionType(), "expected " + uses.size() + " operand type"
          + (uses.size() == 1 ? "" : "s") + " but had " + fnType.inputs().size());
    }
    List<Value> operands = new ArrayList<>(uses.size());
    for (int i = 0; i < uses.size(); i++) {
      operands.add(scopes.use(uses.get(i), fnType.inputs().get(i), attrs));
    }
    List<Block> successors = new ArrayList<>();
    if (g.successorList() != null) {
      for (TerminalNode s : g.successorList().CARET_ID()) {
        successors.add(scopes.blockRef(s.getSymbol(), attrs));
      }
    }
    DictionaryAttr props = g.properties() == null ? null : attrs.dictionary(g.properties()
        .attrDict());
    DictionaryAttr attributes = attrs.dictionary(g.attrDict());
    if (def != null && def.inherentAttrsAreProperties()) {
      // MLIR moves inherent attributes written in the dictionary into the properties.
      for (NamedAttribute a : attributes.entries()) {
        if (def.attribute(a.name()) != null) {
          props = (props == null ? DictionaryAttr.EMPTY : props).with(a.name(), a.value());
          attributes = attributes.with(a.name(), null);
        }
      }
      if (props == null) {
        props = DictionaryAttr.EMPTY;
      }
    }
    int numRegions = g.regionList() == null ? 0 : g.regionList().region().size();
    Operation op = Operation.create(name, def, operands, fnType.results(), attributes, props,
        successors, numRegions, loc);
    if (numRegions > 0) {
      boolean isolated = def != null && def.traits().contains(cimir.ir.Trait.ISOLATED_FROM_ABOVE);
      for (int i = 0; i < numRegions; i++) {
        region(g.regionList().region(i), op.region(i), isolated, null);
      }
    }
    return op;
  }

  private List<Token> valueUses(MlirParser.ValueUseListContext c) {
    List<Token> out = new ArrayList<>();
    if (c != null) {
      for (TerminalNode t : c.PERCENT_ID()) {
        out.add(t.getSymbol());
      }
    }
    return out;
  }

  private Operation moduleOp(MlirParser.ModuleOpContext m, Location loc) {
    DictionaryAttr props = DictionaryAttr.EMPTY;
    if (m.AT_ID() != null) {
      props = props.with("sym_name", Attribute.StringAttr.of(attrs.symbolName(m.AT_ID()
          .getSymbol())));
    }
    DictionaryAttr attributes = attrs.dictionary(m.attrDict());
    Operation op = Operation.create("builtin.module", BuiltinDialect.MODULE, List.of(), List.of(),
        attributes, props, List.of(), 1, loc);
    region(m.region(), op.region(0), true, null);
    if (op.region(0).isEmpty()) {
      op.region(0).addBlock(new Block());
    }
    return op;
  }

  private Operation funcOp(MlirParser.FuncOpContext f, Location loc) {
    DictionaryAttr props = DictionaryAttr.EMPTY;
    if (f.visibility != null) {
      String vis = f.visibility.getText();
      if (!vis.equals("private") && !vis.equals("public") && !vis.equals("nested")) {
        throw attrs.error(f.visibility, "expected 'public', 'private', or 'nested'");
      }
      props = props.with("sym_visibility", Attribute.StringAttr.of(vis));
    }
    props = props.with("sym_name", Attribute.StringAttr.of(attrs.symbolName(f.AT_ID()
        .getSymbol())));
    List<Type> inputs = new ArrayList<>();
    List<Attribute> argAttrs = new ArrayList<>();
    List<Token> argNames = new ArrayList<>();
    List<Location> argLocs = new ArrayList<>();
    Block[] entryBlock = new Block[1];
    boolean anyArgAttr = false;
    if (f.funcArgs() != null) {
      for (MlirParser.FuncArgContext a : f.funcArgs().funcArg()) {
        Token name = a.PERCENT_ID() == null ? null : a.PERCENT_ID().getSymbol();
        if (!argNames.isEmpty() && (argNames.get(0) == null) != (name == null)) {
          throw attrs.error(a, "expected SSA identifier");
        }
        for (Token prev : argNames) {
          if (name != null && prev != null && prev.getText().equals(name.getText())) {
            throw attrs.error(name, "region entry argument '" + name.getText()
                + "' is already in use").withNote(attrs.loc(prev), "previously referenced here");
          }
        }
        argNames.add(name);
        inputs.add(attrs.type(a.type()));
        DictionaryAttr d = attrs.dictionary(a.attrDict());
        anyArgAttr |= !d.isEmpty();
        argAttrs.add(d);
        int index = argLocs.size();
        argLocs.add(trailing(a.trailingLoc(), name != null ? attrs.loc(name) : loc,
            l -> entryBlock[0].argument(index).setLocation(l)));
      }
    }
    List<Type> results = new ArrayList<>();
    List<Attribute> resAttrs = new ArrayList<>();
    boolean anyResAttr = false;
    if (f.funcResults() != null) {
      MlirParser.FuncResultsContext r = f.funcResults();
      if (r.type() != null) {
        results.add(attrs.type(r.type()));
        resAttrs.add(DictionaryAttr.EMPTY);
      } else {
        for (MlirParser.FuncResultContext res : r.funcResult()) {
          results.add(attrs.type(res.type()));
          DictionaryAttr d = attrs.dictionary(res.attrDict());
          anyResAttr |= !d.isEmpty();
          resAttrs.add(d);
        }
      }
    }
    props = props.with("function_type", new Attribute.TypeAttr(new Type.FunctionType(inputs,
        results)));
    if (anyArgAttr) {
      props = props.with("arg_attrs", new Attribute.ArrayAttr(argAttrs));
    }
    if (anyResAttr) {
      props = props.with("res_attrs", new Attribute.ArrayAttr(resAttrs));
    }
    DictionaryAttr attributes = attrs.dictionary(f.attrDict());
    Operation op = Operation.create("func.func", FuncDialect.FUNC, List.of(), List.of(),
        attributes, props, List.of(), 1, loc);
    if (f.region() != null) {
      if (f.region().entryBlockOps.operation().isEmpty() && f.region().block().isEmpty()) {
        throw attrs.error(f.region(), "custom op 'func.func' expected non-empty function body");
      }
      if (!argNames.isEmpty() && argNames.get(0) == null) {
        throw attrs.error(f.region(), "expected SSA identifier");
      }
      Block entry = new Block();
      entryBlock[0] = entry;
      for (int i = 0; i < inputs.size(); i++) {
        entry.addArgument(inputs.get(i), argLocs.get(i));
      }
      region(f.region(), op.region(0), true, new EntryArgs(entry, argNames));
    } else if (!argNames.isEmpty() && argNames.get(0) != null) {
      throw attrs.error(f.getStop(), "expected '{' to begin a region");
    }
    return op;
  }

  private Operation returnOp(MlirParser.ReturnOpContext r, Location loc) {
    List<Token> uses = valueUses(r.valueUseList());
    List<Type> types = r.typeList() == null ? List.of() : attrs.types(r.typeList());
    if (uses.size() != types.size()) {
      throw attrs.error(r.typeList(), "expected " + uses.size() + " types");
    }
    List<Value> operands = new ArrayList<>();
    for (int i = 0; i < uses.size(); i++) {
      operands.add(scopes.use(uses.get(i), types.get(i), attrs));
    }
    return Operation.create("func.return", FuncDialect.RETURN, operands, List.of(), null, null,
        List.of(), 0, loc);
  }

  private Operation castOp(MlirParser.CastOpContext c, Location loc) {
    List<Token> uses = valueUses(c.valueUseList());
    List<Type> from = attrs.types(c.typeList(0));
    if (uses.size() != from.size()) {
      throw attrs.error(c.typeList(0), "expected " + uses.size() + " types");
    }
    List<Value> operands = new ArrayList<>();
    for (int i = 0; i < uses.size(); i++) {
      operands.add(scopes.use(uses.get(i), from.get(i), attrs));
    }
    return Operation.create(BuiltinDialect.UNREALIZED_CAST.name(), BuiltinDialect.UNREALIZED_CAST,
        operands, attrs.types(c.typeList(1)), null, null, List.of(), 0, loc);
  }

  // ---- Regions and blocks ----

  /** A function's entry block, made from its signature, with the argument names to bind. */
  private record EntryArgs(Block block, List<Token> names) {}

  private void region(MlirParser.RegionContext r, Region region, boolean isolated,
      EntryArgs entryArgs) {
    if (isolated) {
      scopes.pushIsolated();
    } else {
      scopes.pushRegion();
    }
    Block entry = null;
    if (entryArgs != null) {
      entry = entryArgs.block;
      for (int i = 0; i < entryArgs.names.size(); i++) {
        Token name = entryArgs.names.get(i);
        scopes.define(name.getText(), List.of(entry.argument(i)), attrs.loc(name), attrs);
      }
      region.addBlock(entry);
    }
    List<MlirParser.OperationContext> entryOps = r.entryBlockOps.operation();
    if (!entryOps.isEmpty() || entry != null) {
      if (entry == null) {
        entry = new Block();
        region.addBlock(entry);
      }
      for (MlirParser.OperationContext o : entryOps) {
        entry.append(operation(o));
      }
    }
    List<MlirParser.BlockContext> labelled = r.block();
    for (int i = 0; i < labelled.size(); i++) {
      MlirParser.BlockContext b = labelled.get(i);
      // A function body may open with a label for its argument-less entry block.
      boolean namesEntry = i == 0 && entryArgs != null && entryOps.isEmpty();
      if (namesEntry && (!entry.arguments().isEmpty() || !b.blockLabel().blockArg().isEmpty())) {
        throw attrs.error(b, "invalid block name in region with named arguments");
      }
      Block block = scopes.defineBlock(b.blockLabel().CARET_ID().getSymbol(),
          namesEntry ? entry : null, attrs);
      if (!namesEntry) {
        region.addBlock(block);
      }
      for (MlirParser.BlockArgContext a : b.blockLabel().blockArg()) {
        Type t = attrs.type(a.type());
        int index = block.arguments().size();
        Location l = trailing(a.trailingLoc(), attrs.loc(a),
            loc -> block.argument(index).setLocation(loc));
        Value v = block.addArgument(t, l);
        scopes.define(a.PERCENT_ID().getText(), List.of(v), attrs.loc(a), attrs);
      }
      for (MlirParser.OperationContext o : b.operationList().operation()) {
        block.append(operation(o));
      }
    }
    if (isolated) {
      scopes.popIsolated(attrs);
    } else {
      scopes.popRegion(attrs);
    }
  }

  /** Prints a type for messages. */
  static String str(Type t) {
    return IrPrinter.typeToString(t);
  }
}
