package io.raftkit.ledger;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which nodes of a local demo cluster are cut off from the others. Shared by every node's
 * {@link CuttableTransport} in one process, so cutting a node off acts on both sides of each link:
 * nothing it sends arrives, and nothing sent to it arrives. Thread-safe.
 */
public final class NetworkCut {

    private final Set<String> isolated = ConcurrentHashMap.newKeySet();

    /** Cuts {@code nodeId} off from every other node. */
    public void isolate(String nodeId) {
        isolated.add(nodeId);
    }

    /** Connects {@code nodeId} again. */
    public void heal(String nodeId) {
        isolated.remove(nodeId);
    }

    /** The nodes cut off now, sorted. */
    public Set<String> isolated() {
        return java.util.Collections.unmodifiableSet(new TreeSet<>(isolated));
    }

    /** Whether a message from {@code from} to {@code to} must be dropped. */
    public boolean blocks(String from, String to) {
        return !from.equals(to) && (isolated.contains(from) || isolated.contains(to));
    }
}
