package peerbench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Registry of the systems this copy of the peer harness can run. The harness files in this
 * package are copied unchanged from {@code shared/peer-bench/src/main/java/peerbench/} (see
 * README.md there); only this registry differs: it holds raftkit instead of the peers, whose
 * dependencies this module does not carry. The peers are measured with the original harness.
 */
public final class Adapters {
    private static final Map<String, Supplier<RaftSystemAdapter>> ALL = new LinkedHashMap<>();
    static {
        ALL.put("raftkit", io.raftkit.bench.RaftkitAdapter::new); // raftkit: RaftServer, Netty transport, RocksDB log
    }

    private Adapters() {}

    public static RaftSystemAdapter create(String name) {
        Supplier<RaftSystemAdapter> s = ALL.get(name);
        if (s == null) throw new IllegalArgumentException("unknown system '" + name + "', known: " + ALL.keySet());
        return s.get();
    }

    public static Iterable<String> names() { return ALL.keySet(); }
}
