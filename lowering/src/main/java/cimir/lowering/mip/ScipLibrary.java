package cimir.lowering.mip;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;

/**
 * SCIP's shared library, loaded once per process through JNA, with the C functions the binding
 * calls and the version-dependent meaning of `SCIP_STATUS`.
 *
 * <p>Where the library comes from, first match wins:
 * <ol>
 *   <li>the system property `cimir.scip.library`, a path to `libscip.so.10.0` (or another SCIP
 *       8 to 10 build);
 *   <li>`target/native/ortools-linux-x86-64/`, next to the classes directory or the module jar,
 *       where the build unpacks it once (see `lowering/pom.xml`);
 *   <li>the OR-Tools native jar on the class path: its `libscip.so.10.0` and `libz.so.1` are
 *       copied once into `$XDG_CACHE_HOME/cimir/` (else `~/.cache/cimir/`), in a directory named
 *       after the library's CRC-32 in the jar, and checked against that CRC on every start.
 * </ol>
 */
final class ScipLibrary {
  /** The system property that names the library file, overriding the search. */
  static final String PATH_PROPERTY = "cimir.scip.library";
  /** The library and the one `NEEDED` entry not every Linux has; it finds it via `$ORIGIN`. */
  static final List<String> LINUX_FILES = List.of("libscip.so.10.0", "libz.so.1");
  /** JNA's platform name, which is also OR-Tools's: `linux-x86-64`, `darwin-aarch64`, ... */
  static final String PLATFORM = Platform.RESOURCE_PREFIX;
  /** The directory inside the OR-Tools jar and under `target/native`. */
  static final String RESOURCE_DIR = "ortools-" + PLATFORM;

  static final int TRUE = 1;
  static final int FALSE = 0;
  static final int OKAY = 1;

  /**
   * The subset of SCIP's C API that the binding calls. `SCIP_RETCODE`, `SCIP_Bool` (unsigned
   * int) and the enums are ints, `SCIP_Real` is double, `SCIP*`, `SCIP_VAR*` and friends are
   * opaque pointers.
   */
  interface Api extends Library {
    int SCIPmajorVersion();

    int SCIPminorVersion();

    int SCIPtechVersion();

    int SCIPcreate(PointerByReference scip);

    int SCIPfree(PointerByReference scip);

    int SCIPincludeDefaultPlugins(Pointer scip);

    int SCIPcreateProbBasic(Pointer scip, String name);

    double SCIPinfinity(Pointer scip);

    void SCIPsetMessagehdlrQuiet(Pointer scip, int quiet);

    int SCIPmessagehdlrCreate(PointerByReference messagehdlr, int bufferedoutput, String filename,
        int quiet, MessageCallback warning, MessageCallback dialog, MessageCallback info,
        Pointer free, Pointer data);

    int SCIPsetMessagehdlr(Pointer scip, Pointer messagehdlr);

    int SCIPmessagehdlrRelease(PointerByReference messagehdlr);

    int SCIPsetRealParam(Pointer scip, String name, double value);

    int SCIPsetIntParam(Pointer scip, String name, int value);

    int SCIPsetObjsense(Pointer scip, int objsense);

    int SCIPcreateVarBasic(Pointer scip, PointerByReference var, String name, double lb,
        double ub, double obj, int vartype);

    int SCIPaddVar(Pointer scip, Pointer var);

    int SCIPreleaseVar(Pointer scip, PointerByReference var);

    int SCIPcreateConsBasicQuadraticNonlinear(Pointer scip, PointerByReference cons,
        String name, int nlinvars, Pointer[] linvars, double[] lincoefs, int nquadterms,
        Pointer[] quadvars1, Pointer[] quadvars2, double[] quadcoefs, double lhs, double rhs);

    int SCIPchgVarObj(Pointer scip, Pointer var, double newobj);

    int SCIPcreateConsBasicLinear(Pointer scip, PointerByReference cons, String name, int nvars,
        Pointer[] vars, double[] vals, double lhs, double rhs);

    int SCIPaddCons(Pointer scip, Pointer cons);

    int SCIPreleaseCons(Pointer scip, PointerByReference cons);

    int SCIPsolve(Pointer scip);

    int SCIPsolveConcurrent(Pointer scip);

    int SCIPgetStatus(Pointer scip);

    Pointer SCIPgetBestSol(Pointer scip);

    int SCIPgetSolVals(Pointer scip, Pointer sol, int nvars, Pointer[] vars, double[] vals);

    double SCIPgetSolOrigObj(Pointer scip, Pointer sol);

    double SCIPgetDualbound(Pointer scip);

    double SCIPgetGap(Pointer scip);

    double SCIPgetSolvingTime(Pointer scip);

    void SCIPmessageSetErrorPrinting(ErrorCallback printer, Pointer data);
  }

  /** `SCIP_DECL_ERRORPRINTING`: (data, FILE*, text). */
  interface ErrorCallback extends Callback {
    void invoke(Pointer data, Pointer file, String message);
  }

  /**
   * SCIP's error messages bypass every message handler and go to the process's standard error.
   * The ones a solve survives (a heuristic's sub-solve aborting on numerical trouble in its LP)
   * would litter a tool's output; the ones it does not survive return a retcode, which
   * {@link #check} turns into a {@link ScipException}. So they are dropped. Held here, as JNA
   * frees a callback its Java object no longer reaches.
   */
  private static final ErrorCallback DROP_ERRORS = (data, file, message) -> { };

  /** `SCIP_DECL_MESSAGEWARNING`, `..DIALOG` and `..INFO`: (handler, FILE*, text). */
  interface MessageCallback extends Callback {
    void invoke(Pointer messagehdlr, Pointer file, String message);
  }

  /** Prints SCIP's log on a Java stream (a tool's standard error), never on standard output. */
  static final class StreamPrinter implements MessageCallback {
    private final java.io.PrintStream out;
    private final String prefix;

    StreamPrinter(java.io.PrintStream out, String prefix) {
      this.out = out;
      this.prefix = prefix;
    }

    @Override
    public void invoke(Pointer messagehdlr, Pointer file, String message) {
      // As SCIP's default handler: no prefix on an empty line or a continuation.
      boolean bare = message.isEmpty() || message.charAt(0) == '\n';
      out.print(bare ? message : prefix + message);
    }
  }

  final Api api;
  final int major;
  final int minor;
  final int tech;

  private ScipLibrary(Api api) {
    this.api = api;
    this.major = api.SCIPmajorVersion();
    this.minor = api.SCIPminorVersion();
    this.tech = api.SCIPtechVersion();
    api.SCIPmessageSetErrorPrinting(DROP_ERRORS, null);
  }

  /** `10.0.0`. */
  String version() {
    return major + "." + minor + "." + tech;
  }

  /** Throws {@link ScipException} unless `retcode` is `SCIP_OKAY`. */
  static void check(int retcode, String function) {
    if (retcode != OKAY) {
      throw new ScipException(function, retcode);
    }
  }

  /** The loaded library, or why it cannot be loaded (the same answer for the whole process). */
  static ScipLibrary get() throws ScipUnavailableException {
    Object loaded = Holder.LOADED;
    if (loaded instanceof ScipLibrary lib) {
      return lib;
    }
    ScipUnavailableException first = (ScipUnavailableException) loaded;
    throw new ScipUnavailableException(first.getMessage(), first);
  }

  private static final class Holder {
    static final Object LOADED = loadOrFailure();

    private static Object loadOrFailure() {
      Path codeSource = codeSource();
      useBuiltJnaDispatch(codeSource);
      try {
        return load(locate(System.getProperty(PATH_PROPERTY), codeSource,
            ScipLibrary.class.getClassLoader(), cacheRoot()));
      } catch (ScipUnavailableException e) {
        return e;
      }
    }
  }

  static ScipLibrary load(Path path) throws ScipUnavailableException {
    ScipLibrary lib;
    try {
      // A library without SCIP's symbols (OR-Tools 9.12 hid them) fails at the version call.
      lib = new ScipLibrary(Native.load(path.toString(), Api.class));
    } catch (LinkageError e) {
      throw new ScipUnavailableException("cannot load SCIP from " + path + ": " + e.getMessage(),
          e);
    }
    if (lib.major < 8 || lib.major > 10) {
      throw new ScipUnavailableException("SCIP " + lib.version() + " at " + path
          + " is not supported: cimir knows the status codes of SCIP 8, 9 and 10");
    }
    return lib;
  }

  /**
   * The status code of `SCIPgetStatus` as a {@link Mip.Status}. SCIP 10 renumbered `enum
   * SCIP_Status` (scipopt.org/doc-10.0.3 type_stat.h): the final answers first, then the
   * interruptions, then the limits. SCIP 8 and 9 (doc-9.2.3 type_stat.h) listed the limits first.
   */
  Mip.Status status(int code) {
    if (major >= 10) {
      return switch (code) {
        case 1 -> Mip.Status.OPTIMAL;
        case 2 -> Mip.Status.INFEASIBLE;
        case 3 -> Mip.Status.UNBOUNDED;
        case 4 -> Mip.Status.INFEASIBLE_OR_UNBOUNDED;
        case 10, 11 -> Mip.Status.INTERRUPTED; // USERINTERRUPT, TERMINATE
        case 20, 21, 22 -> Mip.Status.NODE_LIMIT; // NODELIMIT, TOTALNODELIMIT, STALLNODELIMIT
        case 23 -> Mip.Status.TIME_LIMIT;
        case 24 -> Mip.Status.MEMORY_LIMIT;
        case 25 -> Mip.Status.GAP_LIMIT;
        case 26, 27, 28, 29, 30 -> Mip.Status.OTHER_LIMIT; // PRIMAL, DUAL, SOL, BESTSOL, RESTART
        default -> Mip.Status.UNKNOWN;
      };
    }
    return switch (code) {
      case 1, 15 -> Mip.Status.INTERRUPTED; // USERINTERRUPT, TERMINATE
      case 2, 3, 4 -> Mip.Status.NODE_LIMIT;
      case 5 -> Mip.Status.TIME_LIMIT;
      case 6 -> Mip.Status.MEMORY_LIMIT;
      case 7 -> Mip.Status.GAP_LIMIT;
      case 8, 9, 10, 16, 17 -> Mip.Status.OTHER_LIMIT; // SOL, BESTSOL, RESTART, PRIMAL, DUAL
      case 11 -> Mip.Status.OPTIMAL;
      case 12 -> Mip.Status.INFEASIBLE;
      case 13 -> Mip.Status.UNBOUNDED;
      case 14 -> Mip.Status.INFEASIBLE_OR_UNBOUNDED;
      default -> Mip.Status.UNKNOWN;
    };
  }

  /**
   * The library file to load: the override if given, else the build's copy next to
   * `codeSource` (a classes directory or a jar), else the copy of `loader`'s OR-Tools resource,
   * extracted under `cacheRoot` if it lives in a jar.
   */
  static Path locate(String override, Path codeSource, ClassLoader loader, Path cacheRoot)
      throws ScipUnavailableException {
    if (override != null && !override.isEmpty()) {
      Path path = Path.of(override);
      if (!Files.isRegularFile(path)) {
        throw new ScipUnavailableException("-D" + PATH_PROPERTY + "=" + override
            + " does not name a file");
      }
      return path.toAbsolutePath();
    }
    if (!PLATFORM.startsWith("linux-")) {
      throw new ScipUnavailableException("SCIP is only set up for linux-x86-64; on " + PLATFORM
          + " add " + jarCoordinates() + " to the class path and point -D" + PATH_PROPERTY
          + " at the SCIP library inside it");
    }
    String library = LINUX_FILES.get(0);
    if (codeSource != null && codeSource.getParent() != null) {
      Path built = codeSource.getParent().resolve("native").resolve(RESOURCE_DIR).resolve(library);
      if (Files.isRegularFile(built)) {
        return built;
      }
    }
    URL url = loader.getResource(RESOURCE_DIR + "/" + library);
    if (url == null) {
      throw new ScipUnavailableException("the SCIP library " + RESOURCE_DIR + "/" + library
          + " is not on the class path: add " + jarCoordinates() + ", or point -D"
          + PATH_PROPERTY + " at a libscip");
    }
    try {
      if (url.getProtocol().equals("file")) {
        return Path.of(url.toURI());
      }
      if (url.getProtocol().equals("jar")) {
        URL jar = ((JarURLConnection) url.openConnection()).getJarFileURL();
        return extract(Path.of(jar.toURI()), cacheRoot);
      }
    } catch (IOException | URISyntaxException | InvalidPathException | UncheckedIOException e) {
      throw new ScipUnavailableException("cannot extract the SCIP library from " + url + " into "
          + cacheRoot + ": " + e.getMessage(), e);
    }
    throw new ScipUnavailableException("cannot load the SCIP library from " + url);
  }

  /**
   * Copies {@link #LINUX_FILES} out of `jar` into `cacheRoot/RESOURCE_DIR-CRC/`, unless an
   * earlier run left an intact copy there; returns the library's path.
   */
  static Path extract(Path jar, Path cacheRoot) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      JarEntry library = file.getJarEntry(RESOURCE_DIR + "/" + LINUX_FILES.get(0));
      Path dir = cacheRoot.resolve(RESOURCE_DIR + "-" + Long.toHexString(library.getCrc()));
      Files.createDirectories(dir);
      for (String name : LINUX_FILES) {
        JarEntry entry = file.getJarEntry(RESOURCE_DIR + "/" + name);
        if (entry == null) {
          throw new IOException(jar + " has no " + RESOURCE_DIR + "/" + name);
        }
        Path target = dir.resolve(name);
        if (Files.isRegularFile(target) && Files.size(target) == entry.getSize()
            && crc32(target) == entry.getCrc()) {
          continue;
        }
        Path partial = Files.createTempFile(dir, name, ".partial");
        try (InputStream in = new CheckedInputStream(file.getInputStream(entry), new CRC32());
            OutputStream out = Files.newOutputStream(partial)) {
          in.transferTo(out);
          long crc = ((CheckedInputStream) in).getChecksum().getValue();
          if (crc != entry.getCrc()) {
            throw new IOException("CRC mismatch for " + name + " in " + jar);
          }
        } catch (IOException e) {
          Files.deleteIfExists(partial);
          throw e;
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      }
      return dir.resolve(LINUX_FILES.get(0));
    }
  }

  private static long crc32(Path path) throws IOException {
    CRC32 crc = new CRC32();
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      crc.update(channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()));
    }
    return crc.getValue();
  }

  /** `com.google.ortools:ortools-linux-x86-64:9.15.6755` for this platform. */
  static String jarCoordinates() {
    return "com.google.ortools:" + RESOURCE_DIR + ":" + ortoolsVersion();
  }

  private static String ortoolsVersion() {
    Properties properties = new Properties();
    try (InputStream in = ScipLibrary.class.getResourceAsStream("scip.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      // the version is only for the message
    }
    return properties.getProperty("ortools.version", "<version>");
  }

  /**
   * Points JNA at the `libjnidispatch.so` the build unpacked from the same JNA jar, if present
   * and nothing else was chosen, so JNA does not copy it to a temporary file at every start.
   */
  private static void useBuiltJnaDispatch(Path codeSource) {
    if (codeSource == null || codeSource.getParent() == null
        || System.getProperty("jna.boot.library.path") != null) {
      return;
    }
    Path dir = codeSource.getParent().resolve("native/com/sun/jna").resolve(PLATFORM);
    if (Files.isRegularFile(dir.resolve(System.mapLibraryName("jnidispatch")))) {
      System.setProperty("jna.boot.library.path", dir.toString());
    }
  }

  /** The classes directory or jar this class was loaded from, if it is a file. */
  private static Path codeSource() {
    try {
      var source = ScipLibrary.class.getProtectionDomain().getCodeSource();
      return source == null ? null : Path.of(source.getLocation().toURI());
    } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
      return null;
    }
  }

  private static Path cacheRoot() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg)
        : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("cimir");
  }
}
