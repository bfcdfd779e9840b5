package io.raftkit.spi.message;

import io.raftkit.spi.Entry;
import java.util.List;
import java.util.Objects;

/**
 * A follower asks the leader for read indexes (thesis §6.4), one per read it took in a loop turn,
 * so it can serve each linearizable read from its own state machine once it has applied that
 * index. Not a Raft message: the runtime handles it, the core never sees it.
 *
 * @param term  the sender's current term (informational)
 * @param reads at least one (the validator drops an empty batch)
 */
public record ReadIndexRequest(String from, String to, long term, List<Read> reads) implements Message {

    /**
     * One read.
     *
     * @param requestId the sender's id for the read, echoed in the {@link ReadIndexResponse}
     * @param lease     the leader may answer from its lease, without a quorum round
     */
    public record Read(long requestId, boolean lease) {
        /** What one read weighs against a transport's {@link io.raftkit.spi.Transport#maxMessageBytes()}. */
        public static final long SIZE_BYTES = Entry.OVERHEAD_BYTES;
    }

    public ReadIndexRequest {
        reads = List.copyOf(Objects.requireNonNull(reads, "reads"));
    }

    /** A batch of one read. */
    public ReadIndexRequest(String from, String to, long term, long requestId, boolean lease) {
        this(from, to, term, List.of(new Read(requestId, lease)));
    }

    /** The batch's weight, {@link Read#SIZE_BYTES} per read. */
    public long sizeBytes() {
        return reads.size() * Read.SIZE_BYTES;
    }

    @Override
    public Kind kind() {
        return Kind.READ_INDEX_REQUEST;
    }
}
