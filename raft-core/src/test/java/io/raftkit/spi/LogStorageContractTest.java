package io.raftkit.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftkit.errors.LogStorageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link LogStorage} must keep, written once. An implementation's test
 * extends this class and says how to open a storage in a directory; opening the same directory
 * again after {@link LogStorage#close()} must give back everything that was durably written
 * ("reopen"). An in-memory implementation can model this by keeping its durable state per
 * directory.
 *
 * <p>The randomized test runs a seeded sequence of operations against a plain reference model;
 * its failure messages carry the seed, and {@code -Draftkit.seed=N} replays one.
 */
public abstract class LogStorageContractTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    protected Path dir;

    /** The storage under test, opened on {@link #dir} before each test. */
    protected LogStorage storage;

    private final List<LogStorage> opened = new ArrayList<>();

    /**
     * Opens the storage kept in {@code dir}: empty the first time, and after the previous
     * storage on {@code dir} was closed, holding everything it wrote durably.
     */
    protected abstract LogStorage open(Path dir);

    @BeforeEach
    void openStorage() {
        storage = track(open(dir));
    }

    @AfterEach
    void closeStorages() {
        opened.forEach(LogStorage::close);
    }

    /** Closes the current storage and opens the same directory again. */
    protected LogStorage reopen() {
        storage.close();
        storage = track(open(dir));
        return storage;
    }

    private LogStorage track(LogStorage s) {
        opened.add(s);
        return s;
    }

    // ---------------------------------------------------------------- helpers

    /** An entry whose payload is derived from its index and term, of varying length. */
    protected static Entry entry(long index, long term) {
        String text = "entry " + index + "@" + term + " " + "x".repeat((int) (index % 37));
        return Entry.command(index, term, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Entries {@code from..to} inclusive, all in {@code term}. */
    protected static List<Entry> entries(long from, long to, long term) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(entry(i, term));
        }
        return out;
    }

    protected static void await(CompletableFuture<Void> future) {
        assertThat(future).succeedsWithin(TIMEOUT);
    }

    protected static void assertFailsWithStorageException(CompletableFuture<Void> future) {
        assertThat(future).failsWithin(TIMEOUT)
                .withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(LogStorageException.class);
    }

    private List<Entry> all() {
        return storage.entries(storage.firstIndex(), storage.lastIndex() + 1, Long.MAX_VALUE);
    }

    private static SnapshotMeta snapshot(long index, long term) {
        return new SnapshotMeta(index, term, ClusterConfig.of("n1", "n2", "n3"));
    }

    // ---------------------------------------------------------------- a new log

    @Test
    void newStorageIsEmpty() {
        assertThat(storage.firstIndex()).isEqualTo(1);
        assertThat(storage.lastIndex()).isEqualTo(0);
        assertThat(storage.termAt(0)).isEqualTo(0);
        assertThat(storage.hardState()).isEqualTo(HardState.EMPTY);
        assertThat(storage.snapshotMeta()).isEqualTo(SnapshotMeta.EMPTY);
        assertThat(storage.entries(1, 1, 100)).isEmpty();
    }

    @Test
    void newStorageReopensEmpty() {
        reopen();
        assertThat(storage.firstIndex()).isEqualTo(1);
        assertThat(storage.lastIndex()).isEqualTo(0);
        assertThat(storage.hardState()).isEqualTo(HardState.EMPTY);
        assertThat(storage.snapshotMeta()).isEqualTo(SnapshotMeta.EMPTY);
    }

    // ---------------------------------------------------------------- appends and hard state

    @Test
    void appendStoresEntriesAndHardStateTogether() {
        HardState hs = new HardState(3, "n2", 2);
        await(storage.append(hs, entries(1, 5, 3)));

        assertThat(storage.lastIndex()).isEqualTo(5);
        assertThat(storage.hardState()).isEqualTo(hs);
        assertThat(all()).isEqualTo(entries(1, 5, 3));
        assertThat(storage.termAt(5)).isEqualTo(3);
    }

    @Test
    void appendWithoutHardStateKeepsTheCurrentOne() {
        HardState hs = new HardState(2, "n1", 0);
        await(storage.append(hs, entries(1, 2, 2)));
        await(storage.append(null, entries(3, 4, 2)));
        assertThat(storage.hardState()).isEqualTo(hs);
        assertThat(storage.lastIndex()).isEqualTo(4);
    }

    @Test
    void hardStateAloneIsStoredWithoutTouchingTheLog() {
        await(storage.append(null, entries(1, 3, 1)));
        await(storage.append(new HardState(5, "n3", 3), List.of()));
        await(storage.append(new HardState(6, null, 3), List.of()));

        assertThat(storage.hardState()).isEqualTo(new HardState(6, null, 3));
        assertThat(storage.lastIndex()).isEqualTo(3);
        reopen();
        assertThat(storage.hardState()).isEqualTo(new HardState(6, null, 3));
        assertThat(all()).isEqualTo(entries(1, 3, 1));
    }

    @Test
    void everyEntryTypeAndPayloadRoundTrips() {
        ClusterConfig config = new ClusterConfig(java.util.Set.of("a", "b", "c"), java.util.Set.of("a", "b"));
        byte[] big = new byte[1 << 20];
        new java.util.Random(7).nextBytes(big);
        List<Entry> batch = List.of(
                Entry.noop(1, 1),
                Entry.config(2, 1, config),
                Entry.command(3, 1, new byte[0]),
                Entry.command(4, 1, big),
                new Entry(5, 0, EntryType.COMMAND, new byte[] {0, -1, 127, -128}));
        await(storage.append(new HardState(1, "ünïcødé-n1", 0), batch));

        reopen();
        assertThat(all()).isEqualTo(batch);
        assertThat(ClusterConfig.decode(storage.entries(2, 3, 0).get(0).data())).isEqualTo(config);
        assertThat(storage.hardState().votedFor()).isEqualTo("ünïcødé-n1");
    }

    @Test
    void appendReplacesTheConflictingSuffix() {
        await(storage.append(null, entries(1, 10, 1)));
        await(storage.append(new HardState(2, "n2", 0), entries(6, 7, 2)));

        assertThat(storage.lastIndex()).isEqualTo(7);
        List<Entry> expected = new ArrayList<>(entries(1, 5, 1));
        expected.addAll(entries(6, 7, 2));
        assertThat(all()).isEqualTo(expected);
        assertThatThrownBy(() -> storage.termAt(8)).isInstanceOf(IndexOutOfBoundsException.class);

        reopen(); // the old entries 8..10 must be gone on disk too
        assertThat(storage.lastIndex()).isEqualTo(7);
        assertThat(all()).isEqualTo(expected);
    }

    @Test
    void appendReplacingWithALongerSuffixExtendsTheLog() {
        await(storage.append(null, entries(1, 5, 1)));
        await(storage.append(null, entries(3, 9, 2)));
        reopen();
        List<Entry> expected = new ArrayList<>(entries(1, 2, 1));
        expected.addAll(entries(3, 9, 2));
        assertThat(all()).isEqualTo(expected);
    }

    @Test
    void appendAtTheFirstIndexReplacesTheWholeLog() {
        await(storage.append(null, entries(1, 5, 1)));
        await(storage.append(null, entries(1, 2, 3)));
        reopen();
        assertThat(all()).isEqualTo(entries(1, 2, 3));
    }

    // ---------------------------------------------------------------- truncation

    @Test
    void truncateSuffixRemovesEntriesFromTheIndexOn() {
        await(storage.append(new HardState(1, null, 2), entries(1, 10, 1)));
        await(storage.truncateSuffix(4));

        assertThat(storage.lastIndex()).isEqualTo(3);
        assertThat(all()).isEqualTo(entries(1, 3, 1));
        await(storage.append(null, entries(4, 5, 2)));
        reopen();
        List<Entry> expected = new ArrayList<>(entries(1, 3, 1));
        expected.addAll(entries(4, 5, 2));
        assertThat(all()).isEqualTo(expected);
    }

    @Test
    void truncateBeyondTheLastIndexChangesNothing() {
        await(storage.append(null, entries(1, 3, 1)));
        await(storage.truncateSuffix(4));
        await(storage.truncateSuffix(100));
        assertThat(all()).isEqualTo(entries(1, 3, 1));
    }

    @Test
    void truncateInsideTheSnapshotIsRejected() {
        await(storage.append(new HardState(1, null, 5), entries(1, 8, 1)));
        await(storage.compact(snapshot(5, 1)));
        assertThatThrownBy(() -> storage.truncateSuffix(5)).isInstanceOf(IllegalArgumentException.class);
        assertThat(all()).isEqualTo(entries(6, 8, 1));
    }

    // ---------------------------------------------------------------- reads

    @Test
    void entriesReturnsTheHalfOpenRange() {
        await(storage.append(null, entries(1, 10, 1)));
        assertThat(storage.entries(3, 7, Long.MAX_VALUE)).isEqualTo(entries(3, 6, 1));
        assertThat(storage.entries(10, 11, Long.MAX_VALUE)).isEqualTo(entries(10, 10, 1));
        assertThat(storage.entries(4, 4, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void byteLimitCountsWholeEntriesAndNeverReturnsLessThanOne() {
        List<Entry> hundredBytes = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            hundredBytes.add(Entry.command(i, 1, new byte[76])); // sizeBytes() == 100
        }
        await(storage.append(null, hundredBytes));

        assertThat(storage.entries(1, 7, 0)).hasSize(1);
        assertThat(storage.entries(1, 7, 99)).hasSize(1);
        assertThat(storage.entries(1, 7, 100)).hasSize(1);
        assertThat(storage.entries(1, 7, 299)).hasSize(2);
        assertThat(storage.entries(1, 7, 300)).isEqualTo(hundredBytes.subList(0, 3));
        assertThat(storage.entries(2, 7, 10_000)).isEqualTo(hundredBytes.subList(1, 6));
    }

    @Test
    void readsOutsideTheLogAreRejected() {
        await(storage.append(new HardState(1, null, 3), entries(1, 6, 1)));
        await(storage.compact(snapshot(3, 1)));

        assertThatThrownBy(() -> storage.entries(3, 5, 100)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> storage.entries(4, 8, 100)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> storage.entries(5, 4, 100)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(storage.entries(4, 7, Long.MAX_VALUE)).isEqualTo(entries(4, 6, 1));
    }

    @Test
    void termAtAnswersFromTheSnapshotIndexToTheLastIndex() {
        await(storage.append(new HardState(3, null, 4), entries(1, 4, 2)));
        await(storage.append(null, entries(5, 8, 3)));
        await(storage.compact(new SnapshotMeta(4, 2, ClusterConfig.of("n1"))));

        assertThat(storage.firstIndex()).isEqualTo(5);
        assertThat(storage.termAt(4)).isEqualTo(2); // firstIndex() - 1: the snapshot's term
        assertThat(storage.termAt(5)).isEqualTo(3);
        assertThat(storage.termAt(8)).isEqualTo(3);
        assertThatThrownBy(() -> storage.termAt(3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> storage.termAt(9)).isInstanceOf(IndexOutOfBoundsException.class);
        reopen();
        assertThat(storage.termAt(4)).isEqualTo(2);
        assertThat(storage.termAt(5)).isEqualTo(3);
        assertThatThrownBy(() -> storage.termAt(3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void termAtOnANewLogAnswersZeroForIndexZeroOnly() {
        assertThat(storage.termAt(0)).isEqualTo(0);
        assertThatThrownBy(() -> storage.termAt(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> storage.termAt(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    // ---------------------------------------------------------------- latest configuration

    private static final ClusterConfig FIRST = ClusterConfig.of("n1", "n2", "n3");
    private static final ClusterConfig SECOND = new ClusterConfig(java.util.Set.of("n1", "n2", "n4"),
            java.util.Set.of("n1", "n2", "n3"));

    /** Entries 1..10 of term 1 with configuration entries at 1 ({@link #FIRST}) and 6 ({@link #SECOND}). */
    private static List<Entry> logWithTwoConfigs() {
        List<Entry> out = entries(1, 10, 1);
        out.set(0, Entry.config(1, 1, FIRST));
        out.set(5, Entry.config(6, 1, SECOND));
        return out;
    }

    @Test
    void aNewLogHasNoConfiguration() {
        assertThat(storage.latestConfig()).isEqualTo(ConfigEntry.NONE);
        await(storage.append(null, entries(1, 3, 1)));
        assertThat(storage.latestConfig()).isEqualTo(ConfigEntry.NONE);
        reopen();
        assertThat(storage.latestConfig()).isEqualTo(ConfigEntry.NONE);
    }

    @Test
    void theLatestConfigurationIsTheLastConfigurationEntry() {
        await(storage.append(null, logWithTwoConfigs().subList(0, 5)));
        assertThat(storage.latestConfig()).isEqualTo(new ConfigEntry(1, FIRST));
        await(storage.append(null, logWithTwoConfigs().subList(5, 10)));
        assertThat(storage.latestConfig()).isEqualTo(new ConfigEntry(6, SECOND));
        reopen();
        assertThat(storage.latestConfig()).isEqualTo(new ConfigEntry(6, SECOND));
        assertThat(all()).isEqualTo(logWithTwoConfigs());
    }

    @Test
    void truncatingPastAConfigurationEntryFallsBackToTheEarlierOne() {
        await(storage.append(null, logWithTwoConfigs()));
        await(storage.truncateSuffix(7));
        assertThat(storage.latestConfig()).isEqualTo(new ConfigEntry(6, SECOND));
        await(storage.truncateSuffix(6));
        assertThat(storage.latestConfig()).isEqualTo(new ConfigEntry(1, FIRST));
        reopen();
        assertThat(storage.latestConfig()).isEqualTo(new ConfigEntry(1, FIRST));
        await(storage.truncateSuffix(1));
        assertThat(storage.latestConfig()).isEqualTo(ConfigEntry.NONE);
        reopen();
        assertThat(storage.latestConfig()).isEqualTo(ConfigEntry.NONE);
    }

    @Test
    void aSuffixReplacementRemovesAndAddsConfigurationEntries() {
        await(storage.append(null, logWithTwoConfigs()));
        await(storage.append(null, entries(6, 8, 2))); // a command replaces the entry at 6
        assertThat(storage.latestConfig()).isEqualTo(new ConfigEntry(1, FIRST));
        reopen();
        assertThat(storage.latestConfig()).isEqualTo(new ConfigEntry(1, FIRST));
        ClusterConfig third = ClusterConfig.of("n7", "n8", "n9");
        await(storage.append(null, List.of(Entry.config(8, 3, third)))); // a configuration replaces a command
        assertThat(storage.latestConfig()).isEqualTo(new ConfigEntry(8, third));
        await(storage.append(null, List.of(Entry.config(8, 4, FIRST)))); // and another one at the same index
        assertThat(storage.latestConfig()).isEqualTo(new ConfigEntry(8, FIRST));
        reopen();
        assertThat(storage.latestConfig()).isEqualTo(new ConfigEntry(8, FIRST));
        assertThat(storage.lastIndex()).isEqualTo(8);
    }

    @Test
    void compactionKeepsTheConfigurationEntriesAfterTheSnapshotOrFallsBackToTheSnapshots() {
        await(storage.append(new HardState(1, null, 10), logWithTwoConfigs()));
        SnapshotMeta first = new SnapshotMeta(4, 1, FIRST);
        await(storage.compact(first));
        assertThat(storage.latestConfig()).isEqualTo(new ConfigEntry(6, SECOND));
        reopen();
        assertThat(storage.latestConfig()).isEqualTo(new ConfigEntry(6, SECOND));
        SnapshotMeta second = new SnapshotMeta(8, 1, SECOND);
        await(storage.compact(second));
        assertThat(storage.latestConfig()).isEqualTo(new ConfigEntry(8, SECOND));
        reopen();
        assertThat(storage.latestConfig()).isEqualTo(new ConfigEntry(8, SECOND));
    }

    @Test
    void aSnapshotThatDiscardsTheLogBringsItsConfiguration() {
        await(storage.append(null, logWithTwoConfigs()));
        ClusterConfig other = ClusterConfig.of("a", "b", "c");
        await(storage.compact(new SnapshotMeta(20, 3, other)));
        assertThat(storage.latestConfig()).isEqualTo(new ConfigEntry(20, other));
        reopen();
        assertThat(storage.latestConfig()).isEqualTo(new ConfigEntry(20, other));
        await(storage.append(null, List.of(Entry.config(21, 3, FIRST))));
        reopen();
        assertThat(storage.latestConfig()).isEqualTo(new ConfigEntry(21, FIRST));
    }

    @Test
    void aConfigurationEntryThatDoesNotDecodeIsRejectedAndChangesNothing() {
        await(storage.append(null, logWithTwoConfigs()));
        Entry garbage = new Entry(11, 1, EntryType.CONFIG, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> storage.append(null, List.of(garbage))).isInstanceOf(IllegalArgumentException.class);
        assertThat(storage.lastIndex()).isEqualTo(10);
        assertThat(storage.latestConfig()).isEqualTo(new ConfigEntry(6, SECOND));
    }

    // ---------------------------------------------------------------- compaction

    @Test
    void compactionKeepsTheTailWhenTheSnapshotTermMatches() {
        await(storage.append(null, entries(1, 4, 1)));
        await(storage.append(new HardState(2, null, 6), entries(5, 10, 2)));
        SnapshotMeta snap = snapshot(6, 2);
        await(storage.compact(snap));

        assertThat(storage.firstIndex()).isEqualTo(7);
        assertThat(storage.lastIndex()).isEqualTo(10);
        assertThat(storage.snapshotMeta()).isEqualTo(snap);
        assertThat(all()).isEqualTo(entries(7, 10, 2));
        reopen();
        assertThat(storage.firstIndex()).isEqualTo(7);
        assertThat(storage.snapshotMeta()).isEqualTo(snap);
        assertThat(all()).isEqualTo(entries(7, 10, 2));
    }

    @Test
    void compactionAtTheLastIndexLeavesAnEmptyLog() {
        await(storage.append(new HardState(1, null, 5), entries(1, 5, 1)));
        await(storage.compact(snapshot(5, 1)));
        assertThat(storage.firstIndex()).isEqualTo(6);
        assertThat(storage.lastIndex()).isEqualTo(5);
        await(storage.append(null, entries(6, 7, 1)));
        reopen();
        assertThat(all()).isEqualTo(entries(6, 7, 1));
    }

    @Test
    void compactionDiscardsTheLogWhenTheSnapshotTermDiffers() {
        await(storage.append(new HardState(2, null, 2), entries(1, 10, 1)));
        SnapshotMeta snap = snapshot(6, 2); // the log has term 1 at index 6
        await(storage.compact(snap));

        assertThat(storage.firstIndex()).isEqualTo(7);
        assertThat(storage.lastIndex()).isEqualTo(6);
        assertThat(storage.termAt(6)).isEqualTo(2);
        assertThat(storage.entries(7, 7, 100)).isEmpty();
        await(storage.append(null, entries(7, 8, 2)));
        reopen();
        assertThat(storage.snapshotMeta()).isEqualTo(snap);
        assertThat(all()).isEqualTo(entries(7, 8, 2));
    }

    @Test
    void compactionBeyondTheLastIndexDiscardsTheLog() {
        await(storage.append(null, entries(1, 3, 1)));
        await(storage.compact(snapshot(20, 4)));
        assertThat(storage.firstIndex()).isEqualTo(21);
        assertThat(storage.lastIndex()).isEqualTo(20);
        assertThat(storage.termAt(20)).isEqualTo(4);
        reopen();
        assertThat(storage.firstIndex()).isEqualTo(21);
        assertThat(storage.lastIndex()).isEqualTo(20);
    }

    @Test
    void anOlderSnapshotIsIgnored() {
        await(storage.append(new HardState(1, null, 8), entries(1, 10, 1)));
        await(storage.compact(snapshot(8, 1)));
        await(storage.compact(snapshot(5, 1)));
        await(storage.compact(snapshot(8, 1)));
        assertThat(storage.snapshotMeta()).isEqualTo(snapshot(8, 1));
        assertThat(all()).isEqualTo(entries(9, 10, 1));
    }

    @Test
    void appendInsideTheSnapshotIsRejected() {
        await(storage.append(new HardState(1, null, 5), entries(1, 6, 1)));
        await(storage.compact(snapshot(5, 1)));
        assertThatThrownBy(() -> storage.append(null, entries(5, 7, 2))).isInstanceOf(IllegalArgumentException.class);
        assertThat(all()).isEqualTo(entries(6, 6, 1));
    }

    // ---------------------------------------------------------------- validation

    @Test
    void aGapAfterTheLastIndexIsRejectedAndChangesNothing() {
        await(storage.append(null, entries(1, 3, 1)));
        assertThatThrownBy(() -> storage.append(new HardState(9, "n9", 0), entries(5, 6, 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(storage.lastIndex()).isEqualTo(3);
        assertThat(storage.hardState()).isEqualTo(HardState.EMPTY);
        assertThat(all()).isEqualTo(entries(1, 3, 1));
    }

    @Test
    void nonContiguousEntriesAreRejectedAndChangeNothing() {
        List<Entry> holes = List.of(entry(1, 1), entry(2, 1), entry(4, 1));
        assertThatThrownBy(() -> storage.append(null, holes)).isInstanceOf(IllegalArgumentException.class);
        List<Entry> backwards = List.of(entry(2, 1), entry(1, 1));
        assertThatThrownBy(() -> storage.append(null, backwards)).isInstanceOf(IllegalArgumentException.class);
        assertThat(storage.lastIndex()).isEqualTo(0);
    }

    // ---------------------------------------------------------------- ordering and pipelining

    @Test
    void pipelinedWritesCountWritesInFlightAndCompleteInCallOrder() {
        List<Integer> completed = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        int writes = 200;
        for (int i = 0; i < writes; i++) {
            int n = i;
            CompletableFuture<Void> f = i % 10 == 9
                    ? storage.append(new HardState(1, "n1", storage.lastIndex()), List.of()) // hard state only
                    : storage.append(null, List.of(entry(storage.lastIndex() + 1, 1)));
            futures.add(f.whenComplete((v, t) -> completed.add(n)));
        }
        futures.forEach(LogStorageContractTest::await);

        assertThat(completed).containsExactlyElementsOf(IntStream.range(0, writes).boxed().toList());
        assertThat(storage.lastIndex()).isEqualTo(180);
        assertThat(storage.hardState()).isEqualTo(new HardState(1, "n1", 180));
        reopen();
        assertThat(all()).isEqualTo(entries(1, 180, 1));
    }

    @Test
    void truncationAndCompactionInFlightAreOrderedWithAppends() {
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        futures.add(storage.append(null, entries(1, 10, 1)));
        futures.add(storage.truncateSuffix(8));
        futures.add(storage.append(new HardState(2, null, 3), entries(8, 12, 2)));
        futures.add(storage.compact(snapshot(3, 1)));
        futures.add(storage.append(null, entries(11, 11, 3)));
        futures.forEach(LogStorageContractTest::await);

        List<Entry> expected = new ArrayList<>(entries(4, 7, 1));
        expected.addAll(entries(8, 10, 2));
        expected.addAll(entries(11, 11, 3));
        assertThat(all()).isEqualTo(expected);
        reopen();
        assertThat(all()).isEqualTo(expected);
        assertThat(storage.snapshotMeta()).isEqualTo(snapshot(3, 1));
        assertThat(storage.hardState()).isEqualTo(new HardState(2, null, 3));
    }

    // ---------------------------------------------------------------- close

    @Test
    void closeIsIdempotent() {
        await(storage.append(null, entries(1, 2, 1)));
        storage.close();
        storage.close();
        reopen();
        assertThat(all()).isEqualTo(entries(1, 2, 1));
    }

    @Test
    void writesAfterCloseFail() {
        await(storage.append(new HardState(1, null, 1), entries(1, 2, 1)));
        storage.close();
        assertFailsWithStorageException(storage.append(null, entries(3, 3, 1)));
        assertFailsWithStorageException(storage.truncateSuffix(2));
        assertFailsWithStorageException(storage.compact(snapshot(1, 1)));
        reopen();
        assertThat(all()).isEqualTo(entries(1, 2, 1));
        assertThat(storage.snapshotMeta()).isEqualTo(SnapshotMeta.EMPTY);
    }

    // ---------------------------------------------------------------- randomized, against a model

    @Test
    void randomOperationsMatchAReferenceModel() {
        Long fixed = Long.getLong("raftkit.seed");
        long base = fixed != null ? fixed : System.nanoTime();
        int seeds = fixed != null ? 1 : 3;
        for (int s = 0; s < seeds; s++) {
            long seed = base + s;
            Path runDir = dir.resolve("model-" + s);
            try {
                new LogStorageModelRun(seed, () -> track(open(runDir))).run(150);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("model run failed with seed " + seed + " (replay with -Draftkit.seed="
                        + seed + "): " + e.getMessage(), e);
            }
        }
    }
}
