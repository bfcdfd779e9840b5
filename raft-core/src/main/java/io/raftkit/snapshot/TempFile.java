package io.raftkit.snapshot;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The writable temporary file a sink fills. An interface only so that tests can make writes or the
 * sync fail as a full or failing disk would.
 */
interface TempFile extends Closeable {

    /** Writes all of {@code src}. */
    void write(ByteBuffer src) throws IOException;

    /** Makes what was written durable (fsync). */
    void force() throws IOException;

    /** Opens temporary files. */
    @FunctionalInterface
    interface Opener {
        TempFile create(Path path) throws IOException;
    }

    /** The real thing: a new file, written through a {@link FileChannel}. */
    Opener FILES = path -> {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new TempFile() {
            @Override
            public void write(ByteBuffer src) throws IOException {
                while (src.hasRemaining()) {
                    channel.write(src);
                }
            }

            @Override
            public void force() throws IOException {
                channel.force(true);
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    };
}
