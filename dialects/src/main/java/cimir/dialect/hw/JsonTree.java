package cimir.dialect.hw;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON document read with Jackson's streaming parser, every value and every member name with
 * its position, so that the loaders can report `file:line:col` for any field. Duplicate member
 * names are errors.
 */
final class JsonTree {
  private JsonTree() {}

  /** A 1-based position in the file. */
  record Pos(int line, int column) {
    static Pos of(JsonLocation l) {
      return new Pos(Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
    }
  }

  /** A JSON value at a position; `path` names it (`core.macro.rows`, `list[2]`). */
  sealed interface Node permits Obj, Arr, Num, Str, Bool, Null {
    Pos pos();

    String path();
  }

  /** An object member: its name, where the name is, and its value. */
  record Member(String key, Pos keyPos, Node value) {}

  record Obj(Pos pos, String path, Map<String, Member> members) implements Node {
    Member member(String key) {
      return members.get(key);
    }

    Node get(String key) {
      Member m = members.get(key);
      return m == null ? null : m.value();
    }
  }

  record Arr(Pos pos, String path, List<Node> items) implements Node {}

  /** A number as written; `integral` when it has neither fraction nor exponent. */
  record Num(Pos pos, String path, String text, boolean integral) implements Node {
    BigInteger bigInteger() {
      return new BigInteger(text);
    }

    double doubleValue() {
      return Double.parseDouble(text);
    }
  }

  record Str(Pos pos, String path, String value) implements Node {}

  record Bool(Pos pos, String path, boolean value) implements Node {}

  record Null(Pos pos, String path) implements Node {}

  /** Reads `file` (shown as `name` in messages) as UTF-8 JSON. */
  static Node read(Path file, String name) throws HwException {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (NoSuchFileException e) {
      throw new HwException(name, "could not open hardware description: no such file");
    } catch (CharacterCodingException e) {
      throw new HwException(name, "could not read file: not UTF-8 text");
    } catch (IOException | RuntimeException e) {
      throw new HwException(name, "could not read file: " + e.getMessage());
    }
    return parse(text, name);
  }

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();

  /** Parses `text`; `name` is the file name for messages. */
  static Node parse(String text, String name) throws HwException {
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new HwException(name, 1, 1, "malformed JSON: the file is empty");
      }
      Node root = value(p, name, "");
      JsonToken extra = p.nextToken();
      if (extra != null) {
        Pos at = Pos.of(p.currentTokenLocation());
        throw new HwException(name, at.line(), at.column(),
            "malformed JSON: unexpected text after the top-level value");
      }
      return root;
    } catch (JsonProcessingException e) {
      JsonLocation l = e.getLocation();
      Pos at = l == null ? new Pos(1, 1) : Pos.of(l);
      throw new HwException(name, at.line(), at.column(), "malformed JSON: "
          + jacksonMessage(e));
    } catch (IOException e) {
      throw new HwException(name, "could not read file: " + e.getMessage());
    }
  }

  /** Jackson's message without its location suffix, first line only, starting lowercase. */
  private static String jacksonMessage(JsonProcessingException e) {
    String m = e.getOriginalMessage();
    if (m == null) {
      return "syntax error";
    }
    int nl = m.indexOf('\n');
    m = (nl < 0 ? m : m.substring(0, nl)).strip()
        .replaceAll("\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)\\]", "$1:$2");
    if (m.endsWith(".")) {
      m = m.substring(0, m.length() - 1);
    }
    return m.isEmpty() ? "syntax error" : Character.toLowerCase(m.charAt(0)) + m.substring(1);
  }

  private static String child(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** The value starting at the current token. */
  private static Node value(JsonParser p, String name, String path) throws IOException,
      HwException {
    Pos pos = Pos.of(p.currentTokenLocation());
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        Map<String, Member> members = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          Pos keyPos = Pos.of(p.currentTokenLocation());
          if (members.containsKey(key)) {
            throw new HwException(name, keyPos.line(), keyPos.column(), "duplicate field '"
                + key + "'" + (path.isEmpty() ? "" : " in '" + path + "'"));
          }
          p.nextToken();
          members.put(key, new Member(key, keyPos, value(p, name, child(path, key))));
        }
        return new Obj(pos, path, members);
      }
      case START_ARRAY -> {
        List<Node> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(value(p, name, path + "[" + items.size() + "]"));
        }
        return new Arr(pos, path, items);
      }
      case VALUE_NUMBER_INT -> {
        return new Num(pos, path, p.getText(), true);
      }
      case VALUE_NUMBER_FLOAT -> {
        return new Num(pos, path, p.getText(), false);
      }
      case VALUE_STRING -> {
        return new Str(pos, path, p.getText());
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return new Bool(pos, path, t == JsonToken.VALUE_TRUE);
      }
      case VALUE_NULL -> {
        return new Null(pos, path);
      }
      default -> throw new HwException(name, pos.line(), pos.column(),
          "malformed JSON: unexpected " + t);
    }
  }

  /** How a value reads in a message: `a string`, `3.5`, `an object`. */
  static String describe(Node n) {
    if (n instanceof Obj) {
      return "an object";
    } else if (n instanceof Arr) {
      return "an array";
    } else if (n instanceof Num num) {
      return num.text();
    } else if (n instanceof Str) {
      return "a string";
    } else if (n instanceof Bool b) {
      return b.value() ? "true" : "false";
    }
    return "null";
  }

  /** An error at `n`, naming `file`. */
  static HwException error(String file, Node n, String detail) {
    return error(file, n.pos(), detail);
  }

  static HwException error(String file, Pos pos, String detail) {
    return new HwException(file, pos.line(), pos.column(), detail);
  }
}
