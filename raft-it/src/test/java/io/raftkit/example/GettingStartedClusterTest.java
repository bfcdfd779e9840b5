package io.raftkit.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps docs/getting-started.md honest: runs its example (three real nodes) and checks that every
 * Java snippet in the doc is, verbatim, a tagged region of the example's source, so the doc shows
 * only code that compiles and runs.
 */
class GettingStartedClusterTest {

    private static final Path DOC = Path.of("..", "docs", "getting-started.md");
    private static final Path SOURCES = Path.of("src", "test", "java", "io", "raftkit", "example");

    @TempDir
    Path dir;

    @Test
    void theExampleStartsThreeNodesSubmitsAndReads() throws Exception {
        int[] ports = new int[3];
        List<ServerSocket> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ServerSocket s = new ServerSocket(0);
            held.add(s);
            ports[i] = s.getLocalPort();
        }
        for (ServerSocket s : held) {
            s.close();
        }
        assertThat(GettingStarted.run(dir, ports[0], ports[1], ports[2])).isEqualTo(6);
    }

    @Test
    void aCommandTheStateMachineRefusesIsRejectedWithAResult() {
        NonNegativeCounter counter = new NonNegativeCounter();
        assertThat(counter.apply(1, java.nio.ByteBuffer.allocate(8).putLong(5).array())).hasSize(8);
        assertThat(counter.apply(2, java.nio.ByteBuffer.allocate(8).putLong(-6).array()))
                .isSameAs(NonNegativeCounter.REJECTED);
        assertThat(java.nio.ByteBuffer.wrap(counter.query(new byte[0])).getLong()).isEqualTo(5);
    }

    @Test
    void everyJavaSnippetInTheDocIsATaggedRegionOfTheExample() throws IOException {
        Map<String, String> regions = new LinkedHashMap<>();
        try (var files = Files.list(SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                regions.putAll(regions(Files.readString(f)));
            }
        }
        String doc = Files.readString(DOC);
        Matcher m = Pattern.compile("<!-- snippet: ([\\w-]+) -->\\s*```java\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        List<String> seen = new ArrayList<>();
        while (m.find()) {
            String tag = m.group(1);
            assertThat(regions).as("tag %s used in the doc", tag).containsKey(tag);
            assertThat(m.group(2)).as("snippet %s", tag).isEqualTo(regions.get(tag));
            seen.add(tag);
        }
        assertThat(seen).containsExactlyInAnyOrder(regions.keySet().toArray(String[]::new));
        // no untagged java block may slip in
        assertThat(doc.split("```java", -1).length - 1).isEqualTo(seen.size());
    }

    /** tag name -> the lines between "// tag::name[]" and "// end::name[]", dedented. */
    static Map<String, String> regions(String source) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^([ \\t]*)// tag::([\\w-]+)\\[]\\n(.*?)^[ \\t]*// end::\\2\\[]", Pattern.DOTALL)
                .matcher(source);
        while (m.find()) {
            String indent = m.group(1);
            StringBuilder b = new StringBuilder();
            String[] lines = m.group(3).split("\n", -1);
            for (int i = 0; i < lines.length - 1; i++) { // the text ends with a newline: skip the empty tail
                String line = lines[i];
                b.append(line.startsWith(indent) ? line.substring(indent.length()) : line.strip()).append('\n');
            }
            out.put(m.group(2), b.toString());
        }
        return out;
    }
}
