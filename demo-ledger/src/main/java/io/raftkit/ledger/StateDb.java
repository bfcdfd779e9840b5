package io.raftkit.ledger;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * One open RocksDB of the ledger's state and its column families: {@code meta} (applied index,
 * account count), {@code accounts} (id to balance), {@code transfers} (msgId to record) and
 * {@code order} (log index to msgId, for listing transfers in log order).
 */
final class StateDb implements AutoCloseable {

    static {
        RocksDB.loadLibrary();
    }

    private static final List<byte[]> FAMILIES = List.of(RocksDB.DEFAULT_COLUMN_FAMILY,
            "accounts".getBytes(), "transfers".getBytes(), "order".getBytes());

    final Path dir;
    final RocksDB db;
    final ColumnFamilyHandle meta;
    final ColumnFamilyHandle accounts;
    final ColumnFamilyHandle transfers;
    final ColumnFamilyHandle order;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final List<ColumnFamilyHandle> handles;

    private StateDb(Path dir, RocksDB db, DBOptions dbOptions, ColumnFamilyOptions cfOptions,
                    List<ColumnFamilyHandle> handles) {
        this.dir = dir;
        this.db = db;
        this.dbOptions = dbOptions;
        this.cfOptions = cfOptions;
        this.handles = handles;
        this.meta = handles.get(0);
        this.accounts = handles.get(1);
        this.transfers = handles.get(2);
        this.order = handles.get(3);
    }

    static StateDb open(Path dir) {
        DBOptions dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
        ColumnFamilyOptions cfOptions = new ColumnFamilyOptions();
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (byte[] name : FAMILIES) {
            descriptors.add(new ColumnFamilyDescriptor(name, cfOptions));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try {
            RocksDB db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
            return new StateDb(dir, db, dbOptions, cfOptions, handles);
        } catch (RocksDBException e) {
            dbOptions.close();
            cfOptions.close();
            throw new LedgerStorageException("cannot open the ledger state in " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        for (ColumnFamilyHandle h : handles) {
            h.close();
        }
        db.close();
        dbOptions.close();
        cfOptions.close();
    }
}
