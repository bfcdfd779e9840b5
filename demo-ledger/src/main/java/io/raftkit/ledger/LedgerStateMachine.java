package io.raftkit.ledger;

import com.google.protobuf.InvalidProtocolBufferException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.raftkit.ledger.proto.Account;
import io.raftkit.ledger.proto.AccountAnswer;
import io.raftkit.ledger.proto.AccountList;
import io.raftkit.ledger.proto.Command;
import io.raftkit.ledger.proto.CreateAccount;
import io.raftkit.ledger.proto.ListTransfers;
import io.raftkit.ledger.proto.Query;
import io.raftkit.ledger.proto.QueryResult;
import io.raftkit.ledger.proto.Result;
import io.raftkit.ledger.proto.Transfer;
import io.raftkit.ledger.proto.TransferAnswer;
import io.raftkit.ledger.proto.TransferList;
import io.raftkit.ledger.proto.TransferRecord;
import io.raftkit.ledger.proto.TransferResult;
import io.raftkit.ledger.proto.TransferStatus;
import io.raftkit.spi.StateMachine;
import io.raftkit.spi.StateSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.rocksdb.Checkpoint;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The ledger: accounts and transfers in a RocksDB of its own ({@code dataDir/state}).
 *
 * <p>Each applied entry's effects and the applied index go in one atomic {@link WriteBatch}, so
 * {@link #lastAppliedIndex()} is exact after a restart and nothing is applied twice. Every
 * deterministic rejection (insufficient funds, unknown account, overflow, duplicate or conflicting
 * msgId, an invalid command) is a {@link Result}, never an exception: an exception from apply stops
 * the node. Money is a {@code long} of cents; an overflow is a rejection, never a wrap.
 *
 * <p>Deduplication: a transfer's msgId is recorded with its outcome forever (a rejection too). A
 * repeat with the same from, to and amount returns the recorded outcome with {@code duplicate}
 * set and changes nothing; a repeat with another body is a conflict. A transfer's {@code term} is
 * the term of the leader that accepted it and {@code createdAt} that leader's clock, both carried
 * in the command.
 *
 * <p>Queries run on any thread, concurrently with apply: multi-key reads use a RocksDB snapshot so
 * they see one applied index. Snapshots of the whole state are RocksDB checkpoints streamed file by
 * file; a restore builds the new DB beside the old one and switches an atomically renamed pointer
 * file, so a crash mid-restore leaves either the old or the new state.
 */
public final class LedgerStateMachine implements StateMachine {

    static {
        org.rocksdb.RocksDB.loadLibrary();
    }

    /** Reason of a rejected transfer: the source lacks the amount. */
    public static final String INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS";
    /** Reason of a rejected transfer: the source or the destination does not exist. */
    public static final String ACCOUNT_NOT_FOUND = "ACCOUNT_NOT_FOUND";
    /** Reason of a rejected transfer: the destination's balance would exceed a long of cents. */
    public static final String BALANCE_OVERFLOW = "BALANCE_OVERFLOW";

    /** Most transfers one list query returns. */
    public static final int MAX_LIST_LIMIT = 1000;

    private static final byte[] APPLIED_KEY = "applied".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ACCOUNT_COUNT_KEY = "accountCount".getBytes(StandardCharsets.UTF_8);
    private static final String POINTER = "CURRENT_DB";

    private final Path root;
    private final ReadWriteLock lock = new ReentrantReadWriteLock(); // write: swapping or closing the DB
    private final WriteOptions writeOptions = new WriteOptions();
    private final MeterRegistry registry;
    private StateDb db; // guarded by lock
    private int generation;
    private boolean closed;
    private volatile long applied;
    private volatile long accountCount;

    private LedgerStateMachine(Path root, MeterRegistry registry) {
        this.root = root;
        this.registry = registry;
    }

    /** Opens (or creates) the ledger in {@code dir}, with meters in a private registry. */
    public static LedgerStateMachine open(Path dir) {
        return open(dir, new SimpleMeterRegistry());
    }

    /**
     * Opens (or creates) the ledger in {@code dir}, registering {@code ledger.transfers} (by outcome)
     * and {@code ledger.accounts} in {@code registry}.
     */
    public static LedgerStateMachine open(Path dir, MeterRegistry registry) {
        LedgerStateMachine sm = new LedgerStateMachine(dir, registry);
        try {
            Files.createDirectories(dir);
            sm.generation = readPointer(dir);
            removeLeftovers(dir, dbDirName(sm.generation));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the ledger state directory " + dir, e);
        }
        sm.db = StateDb.open(dir.resolve(dbDirName(sm.generation)));
        sm.loadCounters();
        Gauge.builder("ledger.accounts", sm, s -> s.accountCount).description("accounts in the ledger")
                .register(registry);
        return sm;
    }

    // ---------------------------------------------------------------- apply

    @Override
    public byte[] apply(long index, byte[] command) {
        lock.readLock().lock();
        try (WriteBatch batch = new WriteBatch()) {
            ensureOpen();
            if (index <= applied) {
                // the runtime never does this; refusing keeps a replayed entry from moving money twice
                return invalid("entry " + index + " was already applied (applied index " + applied + ")").toByteArray();
            }
            long[] accountsAfter = {accountCount};
            Result result = applyCommand(index, command, batch, accountsAfter);
            batch.put(db.meta, APPLIED_KEY, longBytes(index));
            batch.put(db.meta, ACCOUNT_COUNT_KEY, longBytes(accountsAfter[0]));
            db.db.write(writeOptions, batch);
            applied = index;
            accountCount = accountsAfter[0];
            return result.toByteArray();
        } catch (RocksDBException e) {
            throw new LedgerStorageException("cannot write entry " + index + " to the ledger state: " + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    private Result applyCommand(long index, byte[] bytes, WriteBatch batch, long[] accountsAfter)
            throws RocksDBException {
        Command command;
        try {
            command = Command.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            return invalid("undecodable command: " + e.getMessage());
        }
        if (command.getVersion() < 1 || command.getVersion() > LedgerCodec.CURRENT_VERSION) {
            return invalid("command version " + command.getVersion() + " is not one this node applies (1.."
                    + LedgerCodec.CURRENT_VERSION + ")");
        }
        switch (command.getBodyCase()) {
            case CREATE_ACCOUNT:
                return createAccount(command.getCreateAccount(), batch, accountsAfter);
            case TRANSFER:
                return transfer(index, command.getTransfer(), batch);
            default:
                return invalid("command has no body");
        }
    }

    private Result createAccount(CreateAccount c, WriteBatch batch, long[] accountsAfter) throws RocksDBException {
        if (!Ids.isValidAccountId(c.getId())) {
            return invalid("invalid account id");
        }
        if (c.getInitialCents() < 0) {
            return invalid("negative initial balance");
        }
        byte[] key = utf8(c.getId());
        if (db.db.get(db.accounts, key) != null) {
            return Result.newBuilder().setAccountExists(c.getId()).build();
        }
        batch.put(db.accounts, key, longBytes(c.getInitialCents()));
        accountsAfter[0]++;
        return Result.newBuilder().setAccountCreated(account(c.getId(), c.getInitialCents())).build();
    }

    private Result transfer(long index, Transfer t, WriteBatch batch) throws RocksDBException {
        String why = invalidTransfer(t);
        if (why != null) {
            return invalid(why);
        }
        byte[] msgKey = utf8(t.getMsgId());
        byte[] existing = db.db.get(db.transfers, msgKey);
        if (existing != null) {
            TransferRecord recorded = parseRecord(existing);
            boolean sameBody = recorded.getFrom().equals(t.getFrom()) && recorded.getTo().equals(t.getTo())
                    && recorded.getAmountCents() == t.getAmountCents();
            if (sameBody) {
                count("duplicate");
                return transferResult(recorded, true);
            }
            count("conflict");
            return Result.newBuilder().setMsgIdConflict(recorded).build();
        }
        byte[] fromKey = utf8(t.getFrom());
        byte[] toKey = utf8(t.getTo());
        byte[] fromBytes = db.db.get(db.accounts, fromKey);
        byte[] toBytes = db.db.get(db.accounts, toKey);
        long amount = t.getAmountCents();
        String reason = null;
        if (fromBytes == null || toBytes == null) {
            reason = ACCOUNT_NOT_FOUND;
        } else if (toLong(fromBytes) < amount) {
            reason = INSUFFICIENT_FUNDS;
        } else if (toLong(toBytes) > Long.MAX_VALUE - amount) {
            reason = BALANCE_OVERFLOW;
        }
        TransferRecord record = TransferRecord.newBuilder()
                .setMsgId(t.getMsgId()).setFrom(t.getFrom()).setTo(t.getTo()).setAmountCents(amount)
                .setStatus(reason == null ? TransferStatus.COMMITTED : TransferStatus.REJECTED)
                .setReason(reason == null ? "" : reason)
                .setIndex(index).setTerm(t.getTerm()).setCreatedAtMillis(t.getCreatedAtMillis())
                .build();
        if (reason == null) {
            batch.put(db.accounts, fromKey, longBytes(toLong(fromBytes) - amount));
            batch.put(db.accounts, toKey, longBytes(toLong(toBytes) + amount));
            count("committed");
        } else {
            count("rejected_" + reason.toLowerCase(java.util.Locale.ROOT));
        }
        batch.put(db.transfers, msgKey, record.toByteArray());
        batch.put(db.order, longBytes(index), msgKey);
        return transferResult(record, false);
    }

    /** Why a transfer command is not one the HTTP API would ever build, or null if it is well formed. */
    private static String invalidTransfer(Transfer t) {
        if (!Ids.isValidMsgId(t.getMsgId())) {
            return "invalid msgId";
        }
        if (!Ids.isValidAccountId(t.getFrom()) || !Ids.isValidAccountId(t.getTo())) {
            return "invalid account id";
        }
        if (t.getFrom().equals(t.getTo())) {
            return "transfer to the same account";
        }
        if (t.getAmountCents() <= 0) {
            return "amount must be positive";
        }
        return null;
    }

    private void count(String outcome) {
        Counter.builder("ledger.transfers").description("transfers applied, by outcome")
                .tag("outcome", outcome).register(registry).increment();
    }

    // ---------------------------------------------------------------- queries

    @Override
    public byte[] query(byte[] bytes) {
        Query q;
        try {
            q = Query.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("undecodable ledger query: " + e.getMessage(), e);
        }
        lock.readLock().lock();
        try {
            ensureOpen();
            return answer(q).toByteArray();
        } catch (RocksDBException e) {
            throw new LedgerStorageException("cannot read the ledger state: " + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    private QueryResult answer(Query q) throws RocksDBException {
        switch (q.getBodyCase()) {
            case GET_ACCOUNT: {
                byte[] v = db.db.get(db.accounts, utf8(q.getGetAccount()));
                AccountAnswer.Builder a = AccountAnswer.newBuilder().setFound(v != null);
                if (v != null) {
                    a.setAccount(account(q.getGetAccount(), toLong(v)));
                }
                return QueryResult.newBuilder().setAccount(a).build();
            }
            case LIST_ACCOUNTS:
                return QueryResult.newBuilder().setAccounts(listAccounts()).build();
            case GET_TRANSFER: {
                byte[] v = db.db.get(db.transfers, utf8(q.getGetTransfer()));
                TransferAnswer.Builder a = TransferAnswer.newBuilder().setFound(v != null);
                if (v != null) {
                    a.setRecord(parseRecord(v));
                }
                return QueryResult.newBuilder().setTransfer(a).build();
            }
            case LIST_TRANSFERS:
                return QueryResult.newBuilder().setTransfers(listTransfers(q.getListTransfers())).build();
            default:
                throw new IllegalArgumentException("ledger query has no body");
        }
    }

    private AccountList listAccounts() throws RocksDBException {
        Snapshot snapshot = db.db.getSnapshot();
        try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot);
             RocksIterator it = db.db.newIterator(db.accounts, ro)) {
            byte[] appliedBytes = db.db.get(db.meta, ro, APPLIED_KEY);
            AccountList.Builder list = AccountList.newBuilder().setIndex(appliedBytes == null ? 0 : toLong(appliedBytes));
            for (it.seekToFirst(); it.isValid(); it.next()) {
                list.addAccounts(account(new String(it.key(), StandardCharsets.UTF_8), toLong(it.value())));
            }
            return list.build();
        } finally {
            db.db.releaseSnapshot(snapshot);
        }
    }

    private TransferList listTransfers(ListTransfers request) throws RocksDBException {
        int limit = request.getLimit() == 0 ? 100 : Math.min(request.getLimit(), MAX_LIST_LIMIT);
        long next = request.getAfterIndex();
        TransferList.Builder list = TransferList.newBuilder();
        Snapshot snapshot = db.db.getSnapshot();
        try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot);
             RocksIterator it = db.db.newIterator(db.order, ro)) {
            // index keys are big-endian and non-negative, so byte order is log order
            for (it.seek(longBytes(request.getAfterIndex() + 1)); it.isValid() && list.getTransfersCount() < limit;
                 it.next()) {
                byte[] record = db.db.get(db.transfers, ro, it.value());
                if (record != null) {
                    list.addTransfers(parseRecord(record));
                }
                next = toLong(it.key());
            }
        } finally {
            db.db.releaseSnapshot(snapshot);
        }
        return list.setNextAfterIndex(next).build();
    }

    @Override
    public long lastAppliedIndex() {
        return applied;
    }

    // ---------------------------------------------------------------- snapshots

    /**
     * Captures a RocksDB checkpoint of the state (hard links: quick, whatever the state's size) on
     * the apply thread; the returned view streams its files on the snapshot thread and deletes the
     * checkpoint when closed.
     */
    @Override
    public StateSnapshot captureSnapshot() throws IOException {
        Path tmp = root.resolve("checkpoint-" + System.nanoTime());
        lock.readLock().lock();
        try (Checkpoint checkpoint = Checkpoint.create(db.db)) {
            ensureOpen();
            checkpoint.createCheckpoint(tmp.toString());
        } catch (RocksDBException e) {
            deleteRecursively(tmp);
            throw new IOException("cannot checkpoint the ledger state: " + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
        }
        return new StateSnapshot() {
            @Override
            public void writeTo(OutputStream out) throws IOException {
                CheckpointStream.write(tmp, out);
            }

            @Override
            public void close() throws IOException {
                deleteRecursively(tmp);
            }
        };
    }

    /**
     * Replaces the whole state with a snapshot. The new DB is written and opened beside the old one;
     * only then does an atomic rename of the pointer file make it current. A crash before the rename
     * leaves the old state (the half-written DB is deleted at the next open); after it, the new one.
     */
    @Override
    public void restoreSnapshot(InputStream in, long index) throws IOException {
        int next = generation + 1;
        Path dir = root.resolve(dbDirName(next));
        deleteRecursively(dir);
        Files.createDirectories(dir);
        StateDb fresh;
        try {
            CheckpointStream.read(in, dir);
            fresh = StateDb.open(dir);
        } catch (IOException | RuntimeException e) {
            deleteRecursively(dir);
            throw e;
        }
        long snapshotIndex = appliedIndexOf(fresh);
        if (snapshotIndex != index) {
            // the runtime and the snapshot disagree on where it stands: keep the old state
            fresh.close();
            deleteRecursively(dir);
            throw new IOException("the snapshot holds the state at index " + snapshotIndex + ", not " + index);
        }
        writePointer(root, next);
        StateDb old;
        lock.writeLock().lock();
        try {
            old = db;
            db = fresh;
            generation = next;
            loadCounters();
        } finally {
            lock.writeLock().unlock();
        }
        old.close();
        deleteRecursively(old.dir);
    }

    /** Closes the DB, releasing its lock so that the directory can be opened again. Idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            db.close();
            writeOptions.close();
        } finally {
            lock.writeLock().unlock();
        }
    }

    // ---------------------------------------------------------------- helpers

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the ledger state machine is closed");
        }
    }

    private void loadCounters() {
        try {
            byte[] a = db.db.get(db.meta, APPLIED_KEY);
            byte[] c = db.db.get(db.meta, ACCOUNT_COUNT_KEY);
            applied = a == null ? 0 : toLong(a);
            accountCount = c == null ? 0 : toLong(c);
        } catch (RocksDBException e) {
            throw new LedgerStorageException("cannot read the ledger's applied index: " + e.getMessage(), e);
        }
    }

    private static long appliedIndexOf(StateDb db) {
        try {
            byte[] a = db.db.get(db.meta, APPLIED_KEY);
            return a == null ? 0 : toLong(a);
        } catch (RocksDBException e) {
            throw new LedgerStorageException("cannot read the applied index of " + db.dir + ": " + e.getMessage(), e);
        }
    }

    private static Result invalid(String why) {
        return Result.newBuilder().setInvalid(why).build();
    }

    private static Result transferResult(TransferRecord record, boolean duplicate) {
        return Result.newBuilder().setTransfer(TransferResult.newBuilder().setRecord(record).setDuplicate(duplicate))
                .build();
    }

    private static Account account(String id, long cents) {
        return Account.newBuilder().setId(id).setBalanceCents(cents).build();
    }

    private static TransferRecord parseRecord(byte[] bytes) {
        try {
            return TransferRecord.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new LedgerStorageException("corrupt transfer record in the ledger state", e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] longBytes(long v) {
        return ByteBuffer.allocate(Long.BYTES).putLong(v).array();
    }

    private static long toLong(byte[] b) {
        return ByteBuffer.wrap(b).getLong();
    }

    private static String dbDirName(int generation) {
        return "db-" + generation;
    }

    private static int readPointer(Path root) throws IOException {
        Path p = root.resolve(POINTER);
        if (!Files.exists(p)) {
            return 0;
        }
        String name = Files.readString(p, StandardCharsets.UTF_8).trim();
        if (!name.startsWith("db-")) {
            throw new IOException("corrupt " + p + ": " + name);
        }
        return Integer.parseInt(name.substring(3));
    }

    private static void writePointer(Path root, int generation) throws IOException {
        Path tmp = root.resolve(POINTER + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(utf8(dbDirName(generation))));
            ch.force(true);
        }
        Files.move(tmp, root.resolve(POINTER), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(root, StandardOpenOption.READ)) {
            dir.force(true); // the rename itself must survive a power loss
        }
    }

    /** Deletes what a crash may have left: half-restored DBs, checkpoints, a pointer being written. */
    private static void removeLeftovers(Path root, String keep) throws IOException {
        List<Path> entries;
        try (Stream<Path> list = Files.list(root)) {
            entries = list.toList();
        }
        for (Path p : entries) {
            String name = p.getFileName().toString();
            if (!name.equals(keep) && !name.equals(POINTER)) {
                deleteRecursively(p);
            }
        }
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
