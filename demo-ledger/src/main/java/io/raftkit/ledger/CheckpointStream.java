package io.raftkit.ledger;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * The snapshot stream: the files of a RocksDB checkpoint, one after the other.
 * Format: magic, file count, then per file its name, length, bytes and CRC32; a truncated or
 * corrupted stream is detected before anything replaces the live state.
 */
final class CheckpointStream {

    private static final int MAGIC = 0x4C444752; // "LDGR"
    private static final int FORMAT = 1;
    private static final int BUFFER = 64 * 1024;

    private CheckpointStream() {
    }

    /** Streams every file of {@code dir} (a flat checkpoint directory). */
    static void write(Path dir, OutputStream sink) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            list.filter(Files::isRegularFile).sorted().forEach(files::add);
        }
        DataOutputStream out = new DataOutputStream(sink);
        out.writeInt(MAGIC);
        out.writeInt(FORMAT);
        out.writeInt(files.size());
        byte[] buf = new byte[BUFFER];
        for (Path f : files) {
            out.writeUTF(f.getFileName().toString());
            out.writeLong(Files.size(f));
            CRC32 crc = new CRC32();
            try (InputStream in = Files.newInputStream(f)) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    crc.update(buf, 0, n);
                }
            }
            out.writeLong(crc.getValue());
        }
        out.flush();
    }

    /** Reads a stream into the empty directory {@code dir}, fsyncing every file. */
    static void read(InputStream source, Path dir) throws IOException {
        DataInputStream in = new DataInputStream(source);
        try {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a ledger snapshot (bad magic)");
            }
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IOException("unknown ledger snapshot format " + format);
            }
            int count = in.readInt();
            if (count < 0 || count > 1_000_000) {
                throw new IOException("bad file count " + count + " in a ledger snapshot");
            }
            byte[] buf = new byte[BUFFER];
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
                    throw new IOException("bad file name \"" + name + "\" in a ledger snapshot");
                }
                long remaining = in.readLong();
                if (remaining < 0) {
                    throw new IOException("bad length of " + name + " in a ledger snapshot");
                }
                CRC32 crc = new CRC32();
                Path target = dir.resolve(name);
                try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    OutputStream out = java.nio.channels.Channels.newOutputStream(ch);
                    while (remaining > 0) {
                        int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
                        if (n < 0) {
                            throw new EOFException("ledger snapshot truncated inside " + name);
                        }
                        out.write(buf, 0, n);
                        crc.update(buf, 0, n);
                        remaining -= n;
                    }
                    ch.force(true);
                }
                if (in.readLong() != crc.getValue()) {
                    throw new IOException("checksum mismatch in " + name + " of a ledger snapshot");
                }
            }
        } catch (EOFException e) {
            throw new IOException("ledger snapshot truncated", e);
        }
    }
}
