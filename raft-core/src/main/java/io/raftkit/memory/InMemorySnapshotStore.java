package io.raftkit.memory;

import io.raftkit.spi.SnapshotMeta;
import io.raftkit.spi.SnapshotSink;
import io.raftkit.spi.SnapshotStore;
import io.raftkit.spi.StoredSnapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * A {@link SnapshotStore} on the heap, for tests, the simulator and volatile nodes. It keeps the
 * newest committed snapshot only; like the file store, a sink that is not committed changes nothing.
 * Thread-safe.
 */
public final class InMemorySnapshotStore implements SnapshotStore {

    private volatile Stored latest;
    private volatile boolean closed;

    @Override
    public Optional<StoredSnapshot> latest() {
        return Optional.ofNullable(latest);
    }

    @Override
    public SnapshotSink begin(SnapshotMeta meta) throws IOException {
        Objects.requireNonNull(meta, "meta");
        if (closed) {
            throw new IOException("the snapshot store is closed");
        }
        return new Sink(meta);
    }

    @Override
    public void close() {
        closed = true;
    }

    private final class Sink implements SnapshotSink {
        private final SnapshotMeta meta;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private boolean done;

        Sink(SnapshotMeta meta) {
            this.meta = meta;
        }

        @Override
        public SnapshotMeta meta() {
            return meta;
        }

        @Override
        public synchronized long size() {
            return bytes.size();
        }

        @Override
        public synchronized void write(byte[] data, int offset, int length) throws IOException {
            if (done) {
                throw new IOException("the snapshot sink is closed");
            }
            bytes.write(data, offset, length);
        }

        @Override
        public synchronized StoredSnapshot commit(Integer expectedCrc32c) throws IOException {
            if (done) {
                throw new IOException("the snapshot sink is closed");
            }
            if (closed) {
                throw new IOException("the snapshot store is closed");
            }
            byte[] data = bytes.toByteArray();
            int crc = crc32c(data, 0, data.length);
            done = true;
            if (expectedCrc32c != null && expectedCrc32c != crc) {
                throw new IOException("snapshot at index " + meta.index() + " does not match its checksum: expected "
                        + Integer.toHexString(expectedCrc32c) + ", got " + Integer.toHexString(crc));
            }
            Stored stored = new Stored(meta, data, crc);
            synchronized (InMemorySnapshotStore.this) {
                Stored current = latest;
                if (current == null || current.meta.index() <= meta.index()) {
                    latest = stored;
                }
            }
            return stored;
        }

        @Override
        public synchronized void close() {
            done = true;
        }
    }

    private static int crc32c(byte[] data, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, offset, length);
        return (int) crc.getValue();
    }

    private record Stored(SnapshotMeta meta, byte[] data, int crc) implements StoredSnapshot {
        @Override
        public long sizeBytes() {
            return data.length;
        }

        @Override
        public int crc32c() {
            return crc;
        }

        @Override
        public int read(long position, byte[] buffer, int offset, int length) {
            if (position >= data.length) {
                return -1;
            }
            int n = (int) Math.min(length, data.length - position);
            System.arraycopy(data, (int) position, buffer, offset, n);
            return n;
        }

        @Override
        public InputStream open() {
            return new ByteArrayInputStream(data);
        }

        @Override
        public String toString() {
            return "InMemorySnapshot[" + meta + ", " + data.length + "B]";
        }
    }
}
