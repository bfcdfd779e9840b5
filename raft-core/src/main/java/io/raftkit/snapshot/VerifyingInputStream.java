package io.raftkit.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * The data part of a snapshot file as a stream, checksummed as it is read: the read that reaches
 * the end throws {@link CorruptSnapshotException} if the bytes do not match the recorded CRC32C,
 * so a state machine restoring from it learns of damage before it can call the restore complete.
 * It reads through its own channel, so the snapshot stays readable to the end even if a newer one
 * replaces (and deletes) its file meanwhile.
 */
final class VerifyingInputStream extends InputStream {

    private final Path file;
    private final FileChannel channel;
    private final long size;
    private final int expectedCrc;
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024).flip();
    private long position;
    private boolean verified;

    VerifyingInputStream(Path file, FileChannel channel, long size, int expectedCrc) {
        this.file = file;
        this.channel = channel;
        this.size = size;
        this.expectedCrc = expectedCrc;
    }

    @Override
    public int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        return buffer.get() & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, buffer.remaining());
        buffer.get(b, off, n);
        return n;
    }

    @Override
    public int available() {
        return buffer.remaining();
    }

    /** Makes the buffer non-empty; returns false at the (verified) end of the data. */
    private boolean fill() throws IOException {
        if (buffer.hasRemaining()) {
            return true;
        }
        if (position == size) {
            verify();
            return false;
        }
        buffer.clear().limit((int) Math.min(buffer.capacity(), size - position));
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new CorruptSnapshotException(file, "it ends at " + (position + buffer.position())
                        + " bytes, its metadata says " + size);
            }
        }
        buffer.flip();
        crc.update(buffer.duplicate());
        position += buffer.remaining();
        return true;
    }

    private void verify() throws CorruptSnapshotException {
        if (verified) {
            return;
        }
        int actual = (int) crc.getValue();
        if (actual != expectedCrc) {
            throw new CorruptSnapshotException(file, "its " + size + " bytes fail the checksum (expected "
                    + Integer.toHexString(expectedCrc) + ", got " + Integer.toHexString(actual) + ")");
        }
        verified = true;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
