package io.raftkit.transport.netty;

import io.raftkit.spi.Entry;

/**
 * How large an append fits in one frame: the bound behind {@link NettyTransport#maxMessageBytes()}.
 *
 * <p>The core sizes an append as the sum of {@link Entry#sizeBytes()}: each entry's data plus
 * {@value Entry#OVERHEAD_BYTES} bytes. On the wire an entry costs its data plus at most
 * {@value #ENTRY_WIRE_OVERHEAD} bytes (the entry's tag and length, index and term as tagged
 * varints of up to 10 bytes, the type, the data's tag and length), so an entry never takes more
 * than 1.5 times what the core charges for it. Around the entries an append's envelope (the
 * frame's tag and length, the two node ids of at most {@value #MAX_ID_CHARS} characters in UTF-8,
 * four numbers) stays under {@value #ENVELOPE_BYTES} bytes. Hence an append of {@code S} bytes as
 * the core counts them encodes to at most {@code ENVELOPE_BYTES + 1.5 * S} bytes.
 *
 * <p>The batches of forwarded commands, read-index requests and their answers are weighed the
 * same way ({@code ForwardRequest.Command#sizeBytes()} and its siblings: the data plus
 * {@value Entry#OVERHEAD_BYTES}, plus 3 bytes per character of a leader hint), and each of their
 * items costs at most 36 bytes on the wire beyond its data and hint, so a batch the runtime keeps
 * within {@code maxMessageBytes()} fits in a frame too.
 */
final class WireLimits {

    /** Longest node id accepted, in characters (UTF-8: at most 3 bytes each). */
    static final int MAX_ID_CHARS = 255;
    /** Bound of an append's bytes around its entries. */
    static final int ENVELOPE_BYTES = 2048;
    /** Bound of an entry's wire bytes beyond its data. */
    static final int ENTRY_WIRE_OVERHEAD = 36;

    private WireLimits() {
    }

    /** The largest append, counted as the core counts it, whose frame fits in {@code maxFrameBytes}. */
    static long maxAppendBytes(int maxFrameBytes) {
        // wire <= ENVELOPE + S * ENTRY_WIRE_OVERHEAD / OVERHEAD_BYTES (= 1.5 S)
        return (long) (maxFrameBytes - ENVELOPE_BYTES) * Entry.OVERHEAD_BYTES / ENTRY_WIRE_OVERHEAD;
    }

    /**
     * What a message weighs in a peer's byte-bounded queue: its payload as the core counts it,
     * plus a flat {@value #ENVELOPE_BYTES} for the rest (an over-estimate for small messages,
     * which go to the control lane anyway).
     */
    static long queuedBytes(io.raftkit.spi.message.Message message) {
        return switch (message.kind()) {
            case APPEND_REQUEST -> {
                long sum = ENVELOPE_BYTES;
                for (Entry e : ((io.raftkit.spi.message.AppendRequest) message).entries()) {
                    sum += e.sizeBytes();
                }
                yield sum;
            }
            case SNAPSHOT_CHUNK -> ENVELOPE_BYTES + ((io.raftkit.spi.message.SnapshotChunk) message).data().length;
            case FORWARD_REQUEST -> ENVELOPE_BYTES + ((io.raftkit.spi.message.ForwardRequest) message).sizeBytes();
            case FORWARD_RESPONSE -> ENVELOPE_BYTES + ((io.raftkit.spi.message.ForwardResponse) message).sizeBytes();
            case READ_INDEX_REQUEST -> ENVELOPE_BYTES + ((io.raftkit.spi.message.ReadIndexRequest) message).sizeBytes();
            case READ_INDEX_RESPONSE -> ENVELOPE_BYTES + ((io.raftkit.spi.message.ReadIndexResponse) message).sizeBytes();
            default -> ENVELOPE_BYTES;
        };
    }
}
