package io.raftkit.snapshot;

import io.raftkit.spi.SnapshotMeta;
import io.raftkit.spi.SnapshotSink;
import io.raftkit.spi.StoredSnapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one snapshot to a temporary file, checksumming as it goes; {@link #commit} adds the
 * footer, syncs, and hands the file to the store to rename into place. Memory is one small
 * buffer, whatever the snapshot's size.
 */
final class FileSnapshotSink implements SnapshotSink {

    private static final Logger LOG = LoggerFactory.getLogger(FileSnapshotSink.class);
    /** Small writes (a DataOutputStream's ints) are gathered so the file sees few large writes. */
    static final int BUFFER_BYTES = 64 * 1024;

    private final FileSnapshotStore store;
    private final SnapshotMeta meta;
    private final Path temp;
    private final TempFile file;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    private final CRC32C crc = new CRC32C();

    // guarded by this
    private long size;
    private boolean done;
    private IOException failure;

    FileSnapshotSink(FileSnapshotStore store, SnapshotMeta meta, Path temp, TempFile file) {
        this.store = store;
        this.meta = meta;
        this.temp = temp;
        this.file = file;
    }

    @Override
    public SnapshotMeta meta() {
        return meta;
    }

    @Override
    public synchronized long size() {
        return size;
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        checkWritable();
        try {
            if (length > buffer.remaining()) {
                flush();
            }
            if (length >= buffer.capacity()) {
                file.write(ByteBuffer.wrap(bytes, offset, length));
            } else {
                buffer.put(bytes, offset, length);
            }
        } catch (IOException e) {
            // what reached the file is unknown now; the sink can only be discarded
            failure = e;
            throw new IOException("writing snapshot " + temp + " failed: " + e.getMessage(), e);
        }
        crc.update(bytes, offset, length);
        size += length;
    }

    @Override
    public synchronized StoredSnapshot commit(Integer expectedCrc32c) throws IOException {
        checkWritable();
        done = true;
        boolean published = false;
        try {
            flush();
            int actual = (int) crc.getValue();
            if (expectedCrc32c != null && expectedCrc32c != actual) {
                throw new IOException("snapshot at index " + meta.index() + " does not match its checksum: expected "
                        + Integer.toHexString(expectedCrc32c) + ", got " + Integer.toHexString(actual)
                        + " over " + size + " bytes; it was discarded and the previous snapshot kept");
            }
            file.write(SnapshotFileFormat.encodeFooter(meta, size, actual));
            file.force();
            file.close();
            StoredSnapshot stored = store.publish(temp, meta, size, actual);
            published = true;
            return stored;
        } finally {
            if (!published) {
                discard();
            }
            store.sinkEnded(this);
        }
    }

    @Override
    public synchronized void close() {
        if (!done) {
            done = true;
            discard();
            store.sinkEnded(this);
        }
    }

    private void checkWritable() throws IOException {
        if (done) {
            throw new IOException("snapshot sink " + temp + " was already committed or closed");
        }
        if (failure != null) {
            throw new IOException("snapshot sink " + temp + " failed earlier and must be closed", failure);
        }
    }

    private void flush() throws IOException {
        if (buffer.position() > 0) {
            buffer.flip();
            file.write(buffer);
            buffer.clear();
        }
    }

    private void discard() {
        try {
            file.close();
        } catch (IOException e) {
            LOG.debug("closing discarded snapshot file {}: {}", temp, e.toString());
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // the next open of the store deletes leftover temporary files
            LOG.warn("cannot delete discarded snapshot file {}: {}", temp, e.toString());
        }
    }
}
