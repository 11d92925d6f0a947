package cimir.pass;

import cimir.diag.DiagnosticEngine;
import cimir.ir.Location;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed pass pipeline: passes with their options, possibly nested under op names, as in
 * `builtin.module(canonicalize, func.func(cse), segment{objective=edp})`. Parsing checks pass
 * names and options and reports errors at their column in the pipeline text.
 */
public final class Pipeline {
  /** A pass to run, or a nested pipeline run on every op of a name. */
  public sealed interface Node permits PassNode, NestNode {}

  /** One pass instance, with the registration it came from. */
  public record PassNode(PassInfo info, Pass pass) implements Node {}

  /** `op.name(...)`: the nested nodes run on each op of that name. */
  public record NestNode(String opName, List<Node> nodes) implements Node {}

  /** The source name under which pipeline text appears in diagnostics. */
  public static final String SOURCE = "<pass-pipeline>";

  private final List<Node> nodes;

  private Pipeline(List<Node> nodes) {
    this.nodes = List.copyOf(nodes);
  }

  public List<Node> nodes() {
    return nodes;
  }

  public static Pipeline empty() {
    return new Pipeline(List.of());
  }

  /** Parses `text`; reports an error and returns null when it is malformed. */
  public static Pipeline parse(String text, PassRegistry registry, DiagnosticEngine diag) {
    diag.sources().add(SOURCE, text);
    Parser p = new Parser(text, registry);
    try {
      List<Node> nodes = p.list(0);
      if (p.pos < text.length()) {
        throw p.error(p.pos, "expected ',' or end of pipeline, but found '" + text.charAt(p.pos)
            + "'");
      }
      return new Pipeline(nodes);
    } catch (PipelineError e) {
      diag.error(new Location.FileLineCol(SOURCE, 1, e.column), e.getMessage());
      return null;
    }
  }

  private static final class PipelineError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int column;

    PipelineError(int column, String message) {
      super(message, null, false, false);
      this.column = column;
    }
  }

  private static final class Parser {
    private final String text;
    private final PassRegistry registry;
    private int pos;

    Parser(String text, PassRegistry registry) {
      this.text = text;
      this.registry = registry;
    }

    PipelineError error(int at, String message) {
      return new PipelineError(at + 1, message);
    }

    void skipSpace() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
    }

    List<Node> list(int depth) {
      List<Node> out = new ArrayList<>();
      skipSpace();
      if (pos >= text.length() || text.charAt(pos) == ')') {
        return out;
      }
      while (true) {
        out.addAll(element(depth));
        skipSpace();
        if (pos < text.length() && text.charAt(pos) == ',') {
          pos++;
          continue;
        }
        return out;
      }
    }

    List<Node> element(int depth) {
      skipSpace();
      int start = pos;
      while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos))
          || "-_.".indexOf(text.charAt(pos)) >= 0)) {
        pos++;
      }
      String name = text.substring(start, pos);
      if (name.isEmpty()) {
        throw error(start, pos < text.length() ? "expected pass name, but found '"
            + text.charAt(pos) + "'" : "expected pass name");
      }
      skipSpace();
      if (pos < text.length() && text.charAt(pos) == '(') {
        pos++;
        List<Node> nested = list(depth + 1);
        skipSpace();
        if (pos >= text.length() || text.charAt(pos) != ')') {
          throw error(pos, "expected ')' to close the nested pipeline of '" + name + "'");
        }
        pos++;
        return List.of(new NestNode(name, nested));
      }
      Map<String, String> options = new LinkedHashMap<>();
      int optionsAt = pos;
      if (pos < text.length() && text.charAt(pos) == '{') {
        pos++;
        options = options();
      }
      String namedPipeline = registry.pipeline(name);
      if (namedPipeline != null && registry.lookup(name) == null) {
        if (!options.isEmpty()) {
          throw error(optionsAt, "pipeline '" + name + "' takes no options");
        }
        return new Parser(namedPipeline, registry).list(depth);
      }
      PassInfo info = registry.lookup(name);
      if (info == null) {
        throw error(start, "'" + name + "' does not refer to a registered pass or pass pipeline");
      }
      for (Map.Entry<String, String> e : options.entrySet()) {
        PassOption declared = null;
        for (PassOption o : info.options()) {
          if (o.key().equals(e.getKey())) {
            declared = o;
          }
        }
        if (declared == null) {
          throw error(optionsAt, "pass '" + name + "' has no option '" + e.getKey() + "'");
        }
        String problem = declared.check(e.getValue());
        if (problem != null) {
          throw error(optionsAt, "invalid value '" + e.getValue() + "' for option '"
              + e.getKey() + "' of pass '" + name + "': " + problem);
        }
      }
      return List.of(new PassNode(info, info.factory().apply(new PassOptions(info.options(),
          options))));
    }

    Map<String, String> options() {
      Map<String, String> out = new LinkedHashMap<>();
      while (true) {
        skipSpace();
        if (pos >= text.length()) {
          throw error(pos, "expected '}' to close the pass options");
        }
        if (text.charAt(pos) == '}') {
          pos++;
          return out;
        }
        int keyStart = pos;
        while (pos < text.length() && "= }".indexOf(text.charAt(pos)) < 0) {
          pos++;
        }
        String key = text.substring(keyStart, pos);
        if (pos >= text.length() || text.charAt(pos) != '=') {
          throw error(pos, "expected '=' after option '" + key + "'");
        }
        pos++;
        int valueStart = pos;
        int braces = 0;
        while (pos < text.length() && !(braces == 0 && (text.charAt(pos) == '}'
            || Character.isWhitespace(text.charAt(pos))))) {
          braces += text.charAt(pos) == '{' ? 1 : text.charAt(pos) == '}' ? -1 : 0;
          pos++;
        }
        String value = text.substring(valueStart, pos);
        if (value.length() >= 2 && (value.startsWith("'") && value.endsWith("'")
            || value.startsWith("\"") && value.endsWith("\""))) {
          value = value.substring(1, value.length() - 1);
        }
        if (out.put(key, value) != null) {
          throw error(keyStart, "option '" + key + "' is given twice");
        }
      }
    }
  }
}
