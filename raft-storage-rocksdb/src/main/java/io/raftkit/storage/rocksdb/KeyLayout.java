package io.raftkit.storage.rocksdb;

import java.nio.ByteBuffer;

/**
 * The keys of the log store, all in RocksDB's default column family.
 *
 * <p>Entry keys are the byte {@code 'e'} followed by the index as 8 bytes big-endian, so that
 * RocksDB's bytewise order is index order (indexes are never negative) and a log prefix or
 * suffix is one key range. The metadata keys are single bytes above {@code 'e'}, so they
 * never fall inside an entry range.
 *
 * <p>Every configuration entry also has a configuration key, {@code 'c'} followed by its index
 * in the same way, written and removed in the same batch as the entry. The latest configuration
 * is the last of these keys, so finding it needs no scan of the entries.
 */
final class KeyLayout {

    static final byte ENTRY_PREFIX = 'e';
    static final byte CONFIG_PREFIX = 'c';
    static final int ENTRY_KEY_LENGTH = 9;

    /** The format marker, written once when the directory is initialised. */
    static final byte[] FORMAT = {'f'};
    /** The hard state (term, vote, commit). */
    static final byte[] HARD_STATE = {'h'};
    /** The metadata of the latest snapshot. */
    static final byte[] SNAPSHOT = {'s'};

    /** Exclusive upper bound of every entry key. */
    static final byte[] ENTRIES_END = {ENTRY_PREFIX + 1};
    /** Exclusive upper bound of every configuration key. */
    static final byte[] CONFIGS_END = {CONFIG_PREFIX + 1};

    private KeyLayout() {
    }

    static byte[] entryKey(long index) {
        return ByteBuffer.allocate(ENTRY_KEY_LENGTH).put(ENTRY_PREFIX).putLong(index).array();
    }

    static byte[] configKey(long index) {
        return ByteBuffer.allocate(ENTRY_KEY_LENGTH).put(CONFIG_PREFIX).putLong(index).array();
    }

    static boolean isConfigKey(byte[] key) {
        return key.length == ENTRY_KEY_LENGTH && key[0] == CONFIG_PREFIX;
    }

    static boolean isEntryKey(byte[] key) {
        return key.length == ENTRY_KEY_LENGTH && key[0] == ENTRY_PREFIX;
    }

    /** The index in an entry key or a configuration key. */
    static long indexOf(byte[] entryKey) {
        return ByteBuffer.wrap(entryKey, 1, 8).getLong();
    }
}
