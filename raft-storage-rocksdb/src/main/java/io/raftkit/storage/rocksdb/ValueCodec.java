package io.raftkit.storage.rocksdb;

import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.Entry;
import io.raftkit.spi.EntryType;
import io.raftkit.spi.HardState;
import io.raftkit.spi.SnapshotMeta;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Encodes the stored values, each framed as {@code crc32c:u32 | version:u8 | body}.
 *
 * <p>The checksum covers the version and body and, for entries, the index taken from the key,
 * so a value stored under the wrong key is caught as well as a flipped bit. RocksDB has its own
 * block and WAL checksums; this one also covers the path through memory and the JNI copy, and
 * lets start-up recovery name the exact index that is bad.
 */
final class ValueCodec {

    static final byte VERSION = 1;
    private static final int HEADER = 5;
    private static final EntryType[] TYPES = EntryType.values();

    private ValueCodec() {
    }

    /** A value whose checksum or structure is wrong; the caller adds where it was found. */
    static final class CorruptValueException extends Exception {
        CorruptValueException(String message) {
            super(message);
        }
    }

    // ---- entries: body = type:u8 | term:i64 | data

    static byte[] encodeEntry(Entry entry) {
        ByteBuffer buf = ByteBuffer.allocate(HEADER + 1 + 8 + entry.data().length);
        buf.position(4);
        buf.put(VERSION).put((byte) entry.type().ordinal()).putLong(entry.term()).put(entry.data());
        return seal(buf.array(), entry.index());
    }

    static Entry decodeEntry(long index, byte[] value) throws CorruptValueException {
        check(value, HEADER + 9, index);
        ByteBuffer buf = ByteBuffer.wrap(value, HEADER, value.length - HEADER);
        int type = buf.get();
        if (type < 0 || type >= TYPES.length) {
            throw new CorruptValueException("unknown entry type " + type);
        }
        long term = buf.getLong();
        if (term < 0) {
            throw new CorruptValueException("negative term " + term);
        }
        byte[] data = new byte[buf.remaining()];
        buf.get(data);
        return new Entry(index, term, TYPES[type], data);
    }

    // ---- hard state: body = term:i64 | commit:i64 | voteLength:i32 (-1 = none) | vote UTF-8

    static byte[] encodeHardState(HardState hs) {
        byte[] vote = hs.votedFor() == null ? new byte[0] : hs.votedFor().getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(HEADER + 8 + 8 + 4 + vote.length);
        buf.position(4);
        buf.put(VERSION).putLong(hs.term()).putLong(hs.commit())
                .putInt(hs.votedFor() == null ? -1 : vote.length).put(vote);
        return seal(buf.array(), 0);
    }

    static HardState decodeHardState(byte[] value) throws CorruptValueException {
        check(value, HEADER + 20, 0);
        ByteBuffer buf = ByteBuffer.wrap(value, HEADER, value.length - HEADER);
        long term = buf.getLong();
        long commit = buf.getLong();
        int voteLength = buf.getInt();
        if (voteLength < -1 || Math.max(0, voteLength) != buf.remaining()) {
            throw new CorruptValueException("bad vote length " + voteLength);
        }
        String vote = null;
        if (voteLength >= 0) {
            byte[] bytes = new byte[voteLength];
            buf.get(bytes);
            vote = new String(bytes, StandardCharsets.UTF_8);
        }
        try {
            return new HardState(term, vote, commit);
        } catch (IllegalArgumentException e) {
            throw new CorruptValueException(e.getMessage());
        }
    }

    // ---- snapshot metadata: body = index:i64 | term:i64 | ClusterConfig.encode()

    static byte[] encodeSnapshot(SnapshotMeta meta) {
        byte[] config = meta.config().encode();
        ByteBuffer buf = ByteBuffer.allocate(HEADER + 16 + config.length);
        buf.position(4);
        buf.put(VERSION).putLong(meta.index()).putLong(meta.term()).put(config);
        return seal(buf.array(), 0);
    }

    static SnapshotMeta decodeSnapshot(byte[] value) throws CorruptValueException {
        check(value, HEADER + 16, 0);
        ByteBuffer buf = ByteBuffer.wrap(value, HEADER, value.length - HEADER);
        long index = buf.getLong();
        long term = buf.getLong();
        byte[] config = new byte[buf.remaining()];
        buf.get(config);
        try {
            return new SnapshotMeta(index, term, ClusterConfig.decode(config));
        } catch (IllegalArgumentException e) {
            throw new CorruptValueException("bad snapshot metadata: " + e.getMessage());
        }
    }

    // ---- configuration key values: body = ClusterConfig.encode(); the checksum covers the index

    static byte[] encodeConfig(long index, byte[] encodedConfig) {
        ByteBuffer buf = ByteBuffer.allocate(HEADER + encodedConfig.length);
        buf.position(4);
        buf.put(VERSION).put(encodedConfig);
        return seal(buf.array(), index);
    }

    static ClusterConfig decodeConfig(long index, byte[] value) throws CorruptValueException {
        check(value, HEADER, index);
        try {
            return ClusterConfig.decode(java.util.Arrays.copyOfRange(value, HEADER, value.length));
        } catch (IllegalArgumentException e) {
            throw new CorruptValueException("bad configuration: " + e.getMessage());
        }
    }

    // ---- framing

    private static byte[] seal(byte[] value, long index) {
        ByteBuffer.wrap(value).putInt(0, crc(value, index));
        return value;
    }

    private static void check(byte[] value, int minLength, long index) throws CorruptValueException {
        if (value.length < minLength) {
            throw new CorruptValueException("value is " + value.length + " bytes, shorter than the minimum " + minLength);
        }
        int stored = ByteBuffer.wrap(value).getInt(0);
        int computed = crc(value, index);
        if (stored != computed) {
            throw new CorruptValueException(String.format(
                    "CRC32C mismatch (stored %08x, computed %08x)", stored, computed));
        }
        if (value[4] != VERSION) {
            throw new CorruptValueException("unknown value version " + value[4]);
        }
    }

    private static int crc(byte[] value, long index) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(8).putLong(0, index));
        crc.update(value, 4, value.length - 4);
        return (int) crc.getValue();
    }
}
