package io.raftkit.storage.rocksdb;

import java.nio.file.Path;

/** Child process for the "already in use" test: opens a storage and holds it until stdin closes. */
public final class HoldOpenMain {

    private HoldOpenMain() {
    }

    public static void main(String[] args) throws Exception {
        try (RocksDbLogStorage storage = RocksDbLogStorage.open(Path.of(args[0]))) {
            System.out.println("OPEN");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the directory until the parent closes our stdin
            }
        }
    }
}
