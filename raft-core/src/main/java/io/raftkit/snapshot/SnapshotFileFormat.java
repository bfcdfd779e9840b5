package io.raftkit.snapshot;

import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.SnapshotMeta;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The layout of one snapshot file. Data and metadata share one file so that one rename makes both
 * visible at once: a crash can never pair the data of one snapshot with the metadata of another.
 *
 * <pre>
 * [data: dataLength bytes]                    the state machine's bytes; read(position) maps 1:1
 * [metadata: metaLength bytes]
 *     int  format version (1)
 *     long index, long term
 *     long dataLength
 *     int  CRC32C of the data
 *     int  configLength, then ClusterConfig.encode() bytes
 * [int  CRC32C of the metadata]
 * [int  metaLength]
 * [long MAGIC]                                the trailer is the last 16 bytes
 * </pre>
 *
 * The metadata sits at the end because the data's length and checksum are only known once it is
 * written, and a sink must not hold the data in memory to put a header first. Everything read
 * from the trailer is bounded before use, so a garbage file cannot make the reader allocate
 * more than {@link #MAX_META_BYTES}.
 */
final class SnapshotFileFormat {

    static final int VERSION = 1;
    /** "RKSNAP" then the format version, as the file's last 8 bytes. */
    static final long MAGIC = 0x524B_534E_4150_0001L;
    static final int TRAILER_BYTES = 4 + 4 + 8;
    /** Fixed part of the metadata block, before the configuration bytes. */
    static final int META_FIXED_BYTES = 4 + 8 + 8 + 8 + 4 + 4;
    /** A configuration of 10,000 members with long ids fits easily; garbage lengths do not. */
    static final int MAX_META_BYTES = 4 * 1024 * 1024;

    static final String SUFFIX = ".snap";
    static final String TEMP_SUFFIX = ".tmp";
    private static final Pattern NAME = Pattern.compile("snapshot-(\\d{20})-(\\d{20})\\.snap");

    private SnapshotFileFormat() {
    }

    /** The file name of a committed snapshot: index first, zero-padded, so names sort by index. */
    static String fileName(SnapshotMeta meta) {
        return String.format("snapshot-%020d-%020d%s", meta.index(), meta.term(), SUFFIX);
    }

    /** The index a committed snapshot's file name claims, if it is one. */
    static Optional<Long> indexOf(String fileName) {
        Matcher m = NAME.matcher(fileName);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(m.group(1)));
        } catch (NumberFormatException e) {
            return Optional.empty(); // 20 digits can exceed a long
        }
    }

    /** The metadata block and trailer that follow {@code dataLength} bytes with checksum {@code dataCrc}. */
    static ByteBuffer encodeFooter(SnapshotMeta meta, long dataLength, int dataCrc) {
        byte[] config = meta.config().encode();
        int metaLength = META_FIXED_BYTES + config.length;
        ByteBuffer buf = ByteBuffer.allocate(metaLength + TRAILER_BYTES);
        buf.putInt(VERSION).putLong(meta.index()).putLong(meta.term()).putLong(dataLength).putInt(dataCrc)
                .putInt(config.length).put(config);
        buf.putInt(crc32c(buf.array(), 0, metaLength)).putInt(metaLength).putLong(MAGIC);
        return buf.flip();
    }

    /** What the footer of a complete snapshot file says. */
    record Footer(SnapshotMeta meta, long dataLength, int dataCrc) {
    }

    /**
     * Reads and checks the footer of {@code file}, open as {@code channel}.
     *
     * @throws CorruptSnapshotException if it is missing, damaged, or disagrees with the file's size
     */
    static Footer readFooter(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < TRAILER_BYTES) {
            throw new CorruptSnapshotException(file, "only " + size + " bytes, too short for the metadata trailer "
                    + "(a write that never finished?)");
        }
        ByteBuffer trailer = readFully(channel, size - TRAILER_BYTES, TRAILER_BYTES);
        int metaCrc = trailer.getInt();
        int metaLength = trailer.getInt();
        long magic = trailer.getLong();
        if (magic != MAGIC) {
            throw new CorruptSnapshotException(file, "no snapshot trailer at its end (magic " + Long.toHexString(magic)
                    + "): the metadata is missing or the file is truncated");
        }
        if (metaLength < META_FIXED_BYTES || metaLength > MAX_META_BYTES || metaLength > size - TRAILER_BYTES) {
            throw new CorruptSnapshotException(file, "metadata length " + metaLength + " is impossible for a file of "
                    + size + " bytes");
        }
        long dataLength = size - TRAILER_BYTES - metaLength;
        ByteBuffer block = readFully(channel, dataLength, metaLength);
        int actualCrc = crc32c(block.array(), 0, metaLength);
        if (actualCrc != metaCrc) {
            throw new CorruptSnapshotException(file, "the metadata fails its checksum (expected "
                    + Integer.toHexString(metaCrc) + ", got " + Integer.toHexString(actualCrc) + ")");
        }
        int version = block.getInt();
        if (version != VERSION) {
            throw new CorruptSnapshotException(file, "format version " + version + ", this version reads " + VERSION);
        }
        long index = block.getLong();
        long term = block.getLong();
        long recordedLength = block.getLong();
        int dataCrc = block.getInt();
        int configLength = block.getInt();
        if (recordedLength != dataLength || configLength != metaLength - META_FIXED_BYTES || index < 0 || term < 0) {
            throw new CorruptSnapshotException(file, "the metadata disagrees with the file (data length "
                    + recordedLength + " recorded, " + dataLength + " present; index " + index + ", term " + term + ")");
        }
        byte[] config = new byte[configLength];
        block.get(config);
        try {
            return new Footer(new SnapshotMeta(index, term, ClusterConfig.decode(config)), dataLength, dataCrc);
        } catch (IllegalArgumentException e) {
            throw new CorruptSnapshotException(file, "its cluster configuration does not parse: " + e.getMessage());
        }
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (channel.read(buf, position + buf.position()) < 0) {
                throw new IOException("unexpected end of file at " + (position + buf.position()));
            }
        }
        return buf.flip();
    }

    static int crc32c(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }
}
