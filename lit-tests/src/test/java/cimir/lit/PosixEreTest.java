package cimir.lit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** POSIX ERE to Java translation, on the points where the two dialects differ. */
class PosixEreTest {
  private static boolean finds(String ere, String text) throws PosixEre.SyntaxError {
    return Pattern.compile(PosixEre.translate(ere).javaRegex(), Pattern.MULTILINE | Pattern.UNIX_LINES)
        .matcher(text).find();
  }

  @Test
  void characterClasses() throws PosixEre.SyntaxError {
    assertTrue(finds("^[[:alpha:]]+[[:digit:]]$", "abc1"));
    assertTrue(finds("^[[:xdigit:]]+$", "dEad"));
    assertFalse(finds("^[[:upper:]]+$", "aBC"));
    assertTrue(finds("^[[:alnum:]_]+[[:punct:]]$", "a_1;"));
    assertTrue(finds("a[[:space:]]b", "a\nb"));
  }

  @Test
  void backslashMakesTheNextCharLiteral() throws PosixEre.SyntaxError {
    assertTrue(finds("\\d", "d"));
    assertFalse(finds("\\d", "5"));
    assertTrue(finds("a\\.b", "a.b"));
    assertFalse(finds("a\\.b", "axb"));
  }

  @Test
  void bracketsKeepBackslashAndExcludeNewline() throws PosixEre.SyntaxError {
    assertTrue(finds("a[\\.]b", "a\\b"));
    assertTrue(finds("a[]x]b", "a]b"));
    assertFalse(finds("a[^x]b", "a\nb"));
    assertTrue(finds("a{b", "a{b"));
  }

  @Test
  void groupsAreCounted() throws PosixEre.SyntaxError {
    assertEquals(2, PosixEre.translate("(a)(b(c))?").groups() - 1);
    assertTrue(finds("(ab)\\1", "abab"));
  }

  @Test
  void rejectsWhatLlvmRejects() {
    for (String bad : new String[] {"", ".*?", "a**", "(|a)", "()", "*a", "[a", "a\\", "(a",
        "a)", "[[:nope:]]", "x{3,2}", "[[.a.]]"}) {
      assertThrows(PosixEre.SyntaxError.class, () -> PosixEre.translate(bad), bad);
    }
  }
}
