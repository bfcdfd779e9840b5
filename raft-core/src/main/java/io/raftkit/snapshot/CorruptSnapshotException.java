package io.raftkit.snapshot;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A snapshot file whose bytes are not what was committed: a failed checksum, a truncated file,
 * metadata that does not parse. The message names the file and says what is wrong.
 */
public class CorruptSnapshotException extends IOException {

    private final transient Path file;

    public CorruptSnapshotException(Path file, String problem) {
        super("snapshot file " + file + " is corrupt: " + problem);
        this.file = file;
    }

    /** The damaged file. */
    public Path file() {
        return file;
    }
}
