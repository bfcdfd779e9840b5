package io.raftkit.snapshot;

import io.raftkit.spi.SnapshotMeta;
import io.raftkit.spi.StoredSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * A committed snapshot file. Chunked reads share one channel (positional reads are safe
 * concurrently); {@link #open()} gets a channel of its own.
 *
 * <p>When a newer snapshot replaces this one, this one is retired: its shared channel is closed
 * and its file deleted, so a {@link #read} after that (or racing with it) fails with an
 * {@link IOException} that says the snapshot was replaced, never returns another snapshot's
 * bytes. A sender then starts over with {@code latest()}. A stream already {@link #open()}ed keeps
 * reading the old bytes to the end, since its open channel keeps the unlinked file alive.
 */
final class FileStoredSnapshot implements StoredSnapshot {

    private final Path file;
    private final SnapshotMeta meta;
    private final long size;
    private final int crc;

    // guarded by this
    private FileChannel channel;
    private volatile String retiredBecause;

    FileStoredSnapshot(Path file, SnapshotMeta meta, long size, int crc) throws IOException {
        this.file = file;
        this.meta = meta;
        this.size = size;
        this.crc = crc;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
    }

    Path file() {
        return file;
    }

    @Override
    public SnapshotMeta meta() {
        return meta;
    }

    @Override
    public long sizeBytes() {
        return size;
    }

    @Override
    public int crc32c() {
        return crc;
    }

    @Override
    public int read(long position, byte[] buffer, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position);
        }
        checkCurrent();
        if (position >= size) {
            return -1;
        }
        ByteBuffer target = ByteBuffer.wrap(buffer, offset, (int) Math.min(length, size - position));
        // A reader interrupted inside FileChannel.read closes the channel for every reader; the
        // others then reopen it and go on rather than fail a transfer that did nothing wrong.
        for (int attempt = 0; ; attempt++) {
            FileChannel current = channel();
            try {
                while (target.hasRemaining()) {
                    if (current.read(target, position + target.position() - offset) < 0) {
                        throw new CorruptSnapshotException(file, "it ends before " + size + " bytes");
                    }
                }
                return target.position() - offset;
            } catch (ClosedByInterruptException e) {
                reopen(current);
                InterruptedIOException interrupted = new InterruptedIOException("interrupted reading " + file);
                interrupted.initCause(e);
                throw interrupted;
            } catch (ClosedChannelException e) {
                checkCurrent();
                if (attempt == 2) {
                    throw new IOException("cannot read snapshot " + file + ": its channel keeps closing", e);
                }
                reopen(current);
            }
        }
    }

    @Override
    public InputStream open() throws IOException {
        checkCurrent();
        try {
            return new VerifyingInputStream(file, FileChannel.open(file, StandardOpenOption.READ), size, crc);
        } catch (NoSuchFileException e) {
            checkCurrent();
            throw e;
        }
    }

    /** Marks this snapshot replaced and closes its shared channel; the store deletes the file. */
    void retire(String because) {
        retiredBecause = because;
        synchronized (this) {
            closeQuietly(channel);
        }
    }

    boolean retired() {
        return retiredBecause != null;
    }

    private void checkCurrent() throws IOException {
        String because = retiredBecause;
        if (because != null) {
            throw new IOException("snapshot " + file.getFileName() + " (index " + meta.index() + ") is no longer "
                    + "stored: " + because + "; start again from the store's latest snapshot");
        }
    }

    private synchronized FileChannel channel() {
        return channel;
    }

    private synchronized void reopen(FileChannel failed) throws IOException {
        if (retiredBecause == null && channel == failed && !failed.isOpen()) {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        }
    }

    private static void closeQuietly(FileChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing was written through it: nothing to lose
        }
    }

    @Override
    public String toString() {
        return "FileSnapshot[" + file + ", " + meta + ", " + size + "B, crc " + Integer.toHexString(crc) + "]";
    }
}
