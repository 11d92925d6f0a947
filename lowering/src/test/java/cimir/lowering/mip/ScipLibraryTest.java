package cimir.lowering.mip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the SCIP library is looked for, and the copy out of the OR-Tools jar. */
class ScipLibraryTest {
  private static final String LIBRARY = "libscip.so.10.0";

  @TempDir
  Path tmp;

  /** Both a classes directory and a module jar find `target/native` beside them. */
  @Test
  void findsTheBuildCopyBesideTheClassesOrTheJar() throws Exception {
    Path built = tmp.resolve("native/ortools-linux-x86-64").resolve(LIBRARY);
    Files.createDirectories(built.getParent());
    Files.createFile(built);
    ClassLoader none = new URLClassLoader(new URL[0], null);
    assertEquals(built, ScipLibrary.locate(null, tmp.resolve("classes"), none, tmp));
    assertEquals(built, ScipLibrary.locate(null, tmp.resolve("cimir-lowering.jar"), none, tmp));
  }

  @Test
  void saysWhichJarIsMissing() {
    ClassLoader none = new URLClassLoader(new URL[0], null);
    ScipUnavailableException e = assertThrows(ScipUnavailableException.class,
        () -> ScipLibrary.locate(null, tmp.resolve("classes"), none, tmp));
    assertTrue(e.getMessage().matches(
        ".*add com\\.google\\.ortools:ortools-linux-x86-64:\\d+\\.\\d+\\.\\d+,.*"), e.getMessage());
  }

  @Test
  void overrideMustNameAFile() {
    ScipUnavailableException e = assertThrows(ScipUnavailableException.class,
        () -> ScipLibrary.locate(tmp.resolve("nothing.so").toString(), null, null, tmp));
    assertTrue(e.getMessage().contains("-Dcimir.scip.library="), e.getMessage());
  }

  @Test
  void refusesWhatIsNotALibrary() throws IOException {
    Path fake = Files.writeString(tmp.resolve("libscip.so.10.0"), "not a shared library");
    ScipUnavailableException e =
        assertThrows(ScipUnavailableException.class, () -> ScipLibrary.load(fake));
    assertTrue(e.getMessage().startsWith("cannot load SCIP from " + fake), e.getMessage());
  }

  /**
   * Without a build copy, the library and `libz.so.1` come out of the jar on the class path
   * once; a later start reuses them, and a damaged copy is replaced.
   */
  @Test
  void extractsFromTheJarOnceAndRepairsADamagedCopy() throws Exception {
    ClassLoader loader = getClass().getClassLoader();
    Path cache = tmp.resolve("cache");
    Path first = ScipLibrary.locate(null, tmp.resolve("classes"), loader, cache);
    assertTrue(first.startsWith(cache), first.toString());
    assertTrue(Files.isRegularFile(first.resolveSibling("libz.so.1")));
    byte[] expected = fromJar(loader, LIBRARY);
    assertArrayEquals(expected, Files.readAllBytes(first));

    FileTime written = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(first, written);
    assertEquals(first, ScipLibrary.locate(null, tmp.resolve("classes"), loader, cache));
    assertEquals(written, Files.getLastModifiedTime(first), "an intact copy is not rewritten");

    try (RandomAccessFile file = new RandomAccessFile(first.toFile(), "rw")) {
      file.seek(expected.length / 2);
      file.write(expected[expected.length / 2] ^ 0xff);
    }
    assertEquals(first, ScipLibrary.locate(null, tmp.resolve("classes"), loader, cache));
    assertArrayEquals(expected, Files.readAllBytes(first));
  }

  private static byte[] fromJar(ClassLoader loader, String name) throws IOException {
    URL url = loader.getResource(ScipLibrary.RESOURCE_DIR + "/" + name);
    JarURLConnection connection = (JarURLConnection) url.openConnection();
    try (JarFile jar = new JarFile(Path.of(connection.getJarFileURL().getPath()).toFile());
        InputStream in = jar.getInputStream(jar.getJarEntry(connection.getEntryName()))) {
      return in.readAllBytes();
    }
  }
}
