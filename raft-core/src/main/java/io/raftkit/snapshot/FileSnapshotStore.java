package io.raftkit.snapshot;

import io.raftkit.spi.SnapshotMeta;
import io.raftkit.spi.SnapshotSink;
import io.raftkit.spi.SnapshotStore;
import io.raftkit.spi.StoredSnapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SnapshotStore} in one directory of the file system, for durable nodes.
 *
 * <h2>On disk</h2>
 * Each committed snapshot is one file, {@code snapshot-<index>-<term>.snap}: the state machine's
 * bytes followed by a footer with the index, term, cluster configuration, the data's length and
 * CRC32C, and a CRC32C of the footer itself. A sink writes {@code *.tmp}; {@link SnapshotSink#commit}
 * appends the footer, fsyncs the file, renames it into place with {@code ATOMIC_MOVE}, fsyncs the
 * directory, and only then deletes older snapshots. Since data and metadata travel in one file and
 * one rename, a crash at any step leaves either the old snapshot or the new one, never a mix: before
 * the rename only a temporary file exists (deleted at the next open); after it, the new file is
 * complete and the newest, and a leftover older one is deleted at the next open.
 *
 * <h2>Opening</h2>
 * {@link #open(Path)} deletes leftover temporary files and verifies the snapshot files from the
 * newest down: the footer must parse and the whole data must match its CRC32C (one sequential
 * read, in bounded memory). The newest that passes is {@link #latest()}; every newer file that
 * failed stays in place for inspection and is listed by {@link #rejected()} with the reason, and
 * logged. Older files than the latest are deleted. Verifying at open means a damaged snapshot is
 * found before the node relies on it (to restore, or to send to a follower), not in the middle of
 * doing so; it costs one read of the snapshot at start-up.
 *
 * <p><b>A corrupt newest snapshot is never silently replaced by nothing.</b> If the log was
 * compacted past every usable snapshot, the state before the log's first entry is gone from this
 * node, and the runtime must not start as if it had none: it calls
 * {@link SnapshotCoverage#require(SnapshotStore, long)} with the log's snapshot index, which fails
 * naming the rejected files (see {@link MissingSnapshotException}).
 *
 * <h2>Reading while a newer snapshot commits</h2>
 * {@link StoredSnapshot#read} uses positional reads on a shared channel. When a newer snapshot is
 * committed, the older one is retired at once: its file is deleted and later reads fail with an
 * {@link IOException} saying it was replaced, so a sender restarts with the newest snapshot rather
 * than keep an outdated file on disk for as long as a slow follower takes. A stream from
 * {@link StoredSnapshot#open()} that was already open keeps reading the old bytes to its end.
 *
 * <p>Memory stays bounded whatever the snapshot's size: a sink buffers 64 KiB, reads go straight
 * into the caller's buffer, verification streams through 1 MiB. One store per directory: a second
 * open of the same directory, from this process or another, fails while the first is open.
 * Thread-safe.
 */
public final class FileSnapshotStore implements SnapshotStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileSnapshotStore.class);
    private static final String LOCK_FILE = "LOCK";
    private static final int VERIFY_BUFFER_BYTES = 1024 * 1024;

    private final Path dir;
    private final TempFile.Opener tempFiles;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final List<RejectedSnapshot> rejected;
    private final AtomicLong sinkSequence = new AtomicLong();
    /** Serialises commits: rename, directory sync and the switch of {@link #latest}. */
    private final Object publishLock = new Object();

    private volatile FileStoredSnapshot latest;
    // guarded by this
    private final List<FileSnapshotSink> openSinks = new ArrayList<>();
    private boolean closed;

    private FileSnapshotStore(Path dir, TempFile.Opener tempFiles, FileChannel lockChannel, FileLock lock,
                              FileStoredSnapshot latest, List<RejectedSnapshot> rejected) {
        this.dir = dir;
        this.tempFiles = tempFiles;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.latest = latest;
        this.rejected = List.copyOf(rejected);
    }

    /**
     * Opens (creating if needed) the store in {@code dir}, cleaning up after a crash and verifying
     * the snapshots it holds, as described above.
     *
     * @throws IOException if the directory cannot be used, or another store has it open
     */
    public static FileSnapshotStore open(Path dir) throws IOException {
        return open(dir, TempFile.FILES);
    }

    static FileSnapshotStore open(Path dir, TempFile.Opener tempFiles) throws IOException {
        Path absolute = dir.toAbsolutePath();
        Files.createDirectories(absolute);
        FileChannel lockChannel = FileChannel.open(absolute.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException("snapshot directory " + absolute + " is already in use by another snapshot store");
        }
        try {
            deleteTemporaryFiles(absolute);
            List<RejectedSnapshot> rejected = new ArrayList<>();
            FileStoredSnapshot latest = recover(absolute, rejected);
            FileSnapshotStore store = new FileSnapshotStore(absolute, tempFiles, lockChannel, lock, latest, rejected);
            LOG.info("opened snapshot store {}: latest {}, {} rejected", absolute,
                    latest == null ? "none" : latest.meta(), rejected.size());
            return store;
        } catch (IOException | RuntimeException e) {
            lock.release();
            lockChannel.close();
            throw e;
        }
    }

    /** The directory this store lives in. */
    public Path directory() {
        return dir;
    }

    /**
     * The snapshot files found at open that could not be used (newer than {@link #latest()}, since
     * older ones are deleted), newest first. Empty on a healthy store.
     */
    public List<RejectedSnapshot> rejected() {
        return rejected;
    }

    @Override
    public Optional<StoredSnapshot> latest() {
        return Optional.ofNullable(latest);
    }

    @Override
    public SnapshotSink begin(SnapshotMeta meta) throws IOException {
        Objects.requireNonNull(meta, "meta");
        Path temp = dir.resolve(String.format("snapshot-%020d-%020d.%d%s", meta.index(), meta.term(),
                sinkSequence.incrementAndGet(), SnapshotFileFormat.TEMP_SUFFIX));
        synchronized (this) {
            if (closed) {
                throw new IOException("snapshot store " + dir + " is closed");
            }
            FileSnapshotSink sink = new FileSnapshotSink(this, meta, temp, tempFiles.create(temp));
            openSinks.add(sink);
            return sink;
        }
    }

    /**
     * Called by a sink whose file is complete and synced: renames it into place, syncs the
     * directory, makes it the latest unless a newer one is already stored, and deletes the older.
     */
    StoredSnapshot publish(Path temp, SnapshotMeta meta, long size, int crc) throws IOException {
        synchronized (publishLock) {
            synchronized (this) {
                if (closed) {
                    throw new IOException("snapshot store " + dir + " is closed");
                }
            }
            Path target = dir.resolve(SnapshotFileFormat.fileName(meta));
            FileStoredSnapshot previous = latest;
            if (previous != null && previous.meta().index() > meta.index()) {
                throw new IOException("snapshot at index " + meta.index() + " was discarded: the store already holds "
                        + "the newer snapshot at index " + previous.meta().index());
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(dir);
            FileStoredSnapshot stored = new FileStoredSnapshot(target, meta, size, crc);
            latest = stored;
            if (previous != null) {
                // the same index and term again (a re-sent snapshot) replaced the file under the same name
                previous.retire(previous.file().equals(target)
                        ? "replaced by a new copy of the snapshot at index " + meta.index()
                        : "replaced by the snapshot at index " + meta.index());
            }
            deleteOlderThan(dir, meta.index());
            LOG.debug("committed snapshot {} ({} bytes)", target, size);
            return stored;
        }
    }

    synchronized void sinkEnded(FileSnapshotSink sink) {
        openSinks.remove(sink);
    }

    @Override
    public void close() {
        List<FileSnapshotSink> sinks;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            sinks = List.copyOf(openSinks);
        }
        sinks.forEach(FileSnapshotSink::close);
        synchronized (publishLock) { // lets a commit in progress finish first
            FileStoredSnapshot current = latest;
            if (current != null) {
                current.retire("the snapshot store " + dir + " is closed");
            }
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.warn("releasing the lock of snapshot store {}: {}", dir, e.toString());
        }
    }

    @Override
    public String toString() {
        FileStoredSnapshot current = latest;
        return "FileSnapshotStore[" + dir + ", latest " + (current == null ? "none" : "at index " + current.meta().index())
                + (rejected.isEmpty() ? "" : ", rejected " + rejected) + "]";
    }

    // ---------------------------------------------------------------- opening

    private static void deleteTemporaryFiles(Path dir) throws IOException {
        for (Path temp : list(dir, p -> p.getFileName().toString().endsWith(SnapshotFileFormat.TEMP_SUFFIX))) {
            LOG.info("deleting {}, a snapshot that was being written when the node stopped", temp);
            Files.deleteIfExists(temp);
        }
    }

    /** Verifies the snapshot files newest first; returns the first good one and deletes the older ones. */
    private static FileStoredSnapshot recover(Path dir, List<RejectedSnapshot> rejected) throws IOException {
        List<Path> files = list(dir, p -> SnapshotFileFormat.indexOf(p.getFileName().toString()).isPresent());
        files.sort(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed());
        for (Path file : files) {
            long claimed = SnapshotFileFormat.indexOf(file.getFileName().toString()).orElseThrow();
            try {
                FileStoredSnapshot good = verify(file);
                deleteOlderThan(dir, good.meta().index());
                return good;
            } catch (CorruptSnapshotException e) {
                LOG.error("snapshot store {}: {}; it is left in place and not used", dir, e.getMessage());
                rejected.add(new RejectedSnapshot(file, claimed, e.getMessage()));
            }
        }
        return null;
    }

    private static FileStoredSnapshot verify(Path file) throws IOException {
        SnapshotFileFormat.Footer footer;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            footer = SnapshotFileFormat.readFooter(file, channel);
            long claimed = SnapshotFileFormat.indexOf(file.getFileName().toString()).orElseThrow();
            if (claimed != footer.meta().index()) {
                throw new CorruptSnapshotException(file, "its name says index " + claimed + ", its metadata "
                        + footer.meta().index());
            }
            CRC32C crc = new CRC32C();
            ByteBuffer buffer = ByteBuffer.allocateDirect(VERIFY_BUFFER_BYTES);
            long position = 0;
            while (position < footer.dataLength()) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), footer.dataLength() - position));
                int n = channel.read(buffer, position);
                if (n < 0) {
                    throw new CorruptSnapshotException(file, "it ends at " + position + " bytes");
                }
                buffer.flip();
                crc.update(buffer);
                position += n;
            }
            int actual = (int) crc.getValue();
            if (actual != footer.dataCrc()) {
                throw new CorruptSnapshotException(file, "its " + footer.dataLength() + " bytes of data fail the "
                        + "checksum (expected " + Integer.toHexString(footer.dataCrc()) + ", got "
                        + Integer.toHexString(actual) + ")");
            }
        }
        return new FileStoredSnapshot(file, footer.meta(), footer.dataLength(), footer.dataCrc());
    }

    // ---------------------------------------------------------------- housekeeping

    /** Deletes the snapshot files whose names claim an index below {@code index}. */
    private static void deleteOlderThan(Path dir, long index) throws IOException {
        for (Path file : list(dir, p -> SnapshotFileFormat.indexOf(p.getFileName().toString())
                .filter(i -> i < index).isPresent())) {
            deleteQuietly(file);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // an older snapshot left behind costs space only; the next commit or open retries
            LOG.warn("cannot delete old snapshot {}: {}", file, e.toString());
        }
    }

    /** Makes the directory entries (the rename) durable: without it a crash could undo the rename. */
    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static List<Path> list(Path dir, java.util.function.Predicate<Path> filter) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return new ArrayList<>(files.filter(Files::isRegularFile).filter(filter).toList());
        }
    }
}
