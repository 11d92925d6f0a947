package cimir.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The committed docs under `docs/` are exactly what `cim-opt --gen-docs=docs` generates. */
class DocsInSyncTest {
  @Test
  void committedDocsMatchTheDefinitions() throws IOException {
    Path docs = Path.of("..", "docs");
    for (Map.Entry<String, String> page : Registrations.docs().entrySet()) {
      Path file = docs.resolve(page.getKey());
      String committed = Files.exists(file) ? Files.readString(file) : "<missing>";
      assertEquals(page.getValue(), committed, file + " is stale: run bin/cim-opt --gen-docs=docs");
    }
  }
}
