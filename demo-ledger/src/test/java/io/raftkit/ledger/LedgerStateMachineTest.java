package io.raftkit.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftkit.ledger.proto.Command;
import io.raftkit.ledger.proto.Result;
import io.raftkit.ledger.proto.TransferRecord;
import io.raftkit.ledger.proto.TransferStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import io.raftkit.spi.StateSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerStateMachineTest {

    @TempDir
    Path dir;
    Ledger ledger;

    @BeforeEach
    void open() {
        ledger = new Ledger(LedgerStateMachine.open(dir.resolve("state")));
    }

    @AfterEach
    void close() {
        ledger.sm.close();
    }

    // ---------------------------------------------------------------- accounts

    @Test
    void createsAnAccountOnceThenReportsItExists() {
        Result created = ledger.create("alice", 10_000);
        assertThat(created.getAccountCreated().getId()).isEqualTo("alice");
        assertThat(created.getAccountCreated().getBalanceCents()).isEqualTo(10_000);
        Result again = ledger.create("alice", 5);
        assertThat(again.getAccountExists()).isEqualTo("alice");
        assertThat(ledger.balance("alice")).isEqualTo(10_000);
        assertThat(ledger.balance("bob")).isNull();
    }

    @Test
    void invalidCreateCommandsAreResultsAndChangeNothing() {
        assertThat(ledger.create("bad id", 1).getInvalid()).contains("account id");
        assertThat(ledger.create("x".repeat(65), 1).getInvalid()).contains("account id");
        assertThat(ledger.create("neg", -1).getInvalid()).contains("negative");
        assertThat(ledger.accounts()).isEmpty();
        assertThat(ledger.sm.lastAppliedIndex()).isEqualTo(3); // rejected entries are applied all the same
    }

    // ---------------------------------------------------------------- transfers

    @Test
    void committedTransferMovesMoneyAndIsRecorded() {
        ledger.create("a", 1_000);
        ledger.create("b", 0);
        Result r = ledger.transfer("m1", "a", "b", 1);
        TransferRecord rec = r.getTransfer().getRecord();
        assertThat(rec.getStatus()).isEqualTo(TransferStatus.COMMITTED);
        assertThat(r.getTransfer().getDuplicate()).isFalse();
        assertThat(rec.getIndex()).isEqualTo(3);
        assertThat(rec.getTerm()).isEqualTo(7);
        assertThat(rec.getCreatedAtMillis()).isEqualTo(1_700_000_000_000L + 2);
        assertThat(ledger.balance("a")).isEqualTo(999);
        assertThat(ledger.balance("b")).isEqualTo(1);
        assertThat(ledger.transfer("m1")).isEqualTo(rec);
    }

    @Test
    void transferOfTheWholeBalanceIsAllowedOneCentMoreIsNot() {
        ledger.create("a", 500);
        ledger.create("b", 0);
        assertThat(ledger.transfer("over", "a", "b", 501).getTransfer().getRecord().getReason())
                .isEqualTo(LedgerStateMachine.INSUFFICIENT_FUNDS);
        assertThat(ledger.transfer("all", "a", "b", 500).getTransfer().getRecord().getStatus())
                .isEqualTo(TransferStatus.COMMITTED);
        assertThat(ledger.balance("a")).isZero();
        assertThat(ledger.balance("b")).isEqualTo(500);
    }

    @Test
    void unknownAccountsAreRejectedAndRecorded() {
        ledger.create("a", 500);
        TransferRecord toMissing = ledger.transfer("t1", "a", "ghost", 1).getTransfer().getRecord();
        assertThat(toMissing.getStatus()).isEqualTo(TransferStatus.REJECTED);
        assertThat(toMissing.getReason()).isEqualTo(LedgerStateMachine.ACCOUNT_NOT_FOUND);
        TransferRecord fromMissing = ledger.transfer("t2", "ghost", "a", 1).getTransfer().getRecord();
        assertThat(fromMissing.getReason()).isEqualTo(LedgerStateMachine.ACCOUNT_NOT_FOUND);
        assertThat(ledger.balance("a")).isEqualTo(500);
        assertThat(ledger.transfer("t1")).isEqualTo(toMissing);
    }

    @Test
    void aBalanceThatWouldOverflowIsARejectionNotAWrap() {
        ledger.create("full", Long.MAX_VALUE - 10);
        ledger.create("src", 100);
        TransferRecord rec = ledger.transfer("ovf", "src", "full", 11).getTransfer().getRecord();
        assertThat(rec.getStatus()).isEqualTo(TransferStatus.REJECTED);
        assertThat(rec.getReason()).isEqualTo(LedgerStateMachine.BALANCE_OVERFLOW);
        assertThat(ledger.balance("full")).isEqualTo(Long.MAX_VALUE - 10);
        assertThat(ledger.balance("src")).isEqualTo(100);
        assertThat(ledger.transfer("fits", "src", "full", 10).getTransfer().getRecord().getStatus())
                .isEqualTo(TransferStatus.COMMITTED);
        assertThat(ledger.balance("full")).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void maxCentsCanMoveWhole() {
        ledger.create("rich", Long.MAX_VALUE);
        ledger.create("empty", 0);
        assertThat(ledger.transfer("max", "rich", "empty", Long.MAX_VALUE).getTransfer().getRecord().getStatus())
                .isEqualTo(TransferStatus.COMMITTED);
        assertThat(ledger.balance("empty")).isEqualTo(Long.MAX_VALUE);
        assertThat(ledger.balance("rich")).isZero();
    }

    @Test
    void malformedTransfersAreInvalidResultsAndNotRecorded() {
        ledger.create("a", 500);
        ledger.create("b", 500);
        assertThat(ledger.transfer("z", "a", "b", 0).getInvalid()).contains("positive");
        assertThat(ledger.transfer("n", "a", "b", -5).getInvalid()).contains("positive");
        assertThat(ledger.transfer("s", "a", "a", 5).getInvalid()).contains("same account");
        assertThat(ledger.transfer("", "a", "b", 5).getInvalid()).contains("msgId");
        assertThat(ledger.transfer("é", "a", "b", 5).getInvalid()).contains("msgId");
        assertThat(ledger.transfer("x".repeat(129), "a", "b", 5).getInvalid()).contains("msgId");
        assertThat(ledger.transfer("bad", "a b", "b", 5).getInvalid()).contains("account id");
        assertThat(ledger.transfers(0, 100)).isEmpty();
        assertThat(ledger.balance("a")).isEqualTo(500);
    }

    @Test
    void undecodableOrFutureCommandsAreInvalidResultsNeverExceptions() {
        assertThat(ledger.apply(new byte[] {(byte) 0xFF, (byte) 0xFF, 0x01}).getInvalid()).contains("undecodable");
        assertThat(ledger.apply(Command.newBuilder().setVersion(99).build().toByteArray()).getInvalid())
                .contains("version 99");
        assertThat(ledger.apply(Command.newBuilder().setVersion(1).build().toByteArray()).getInvalid())
                .contains("no body");
        assertThat(ledger.apply(new byte[0]).getInvalid()).isNotEmpty();
        assertThat(ledger.sm.lastAppliedIndex()).isEqualTo(4);
    }

    // ---------------------------------------------------------------- deduplication

    @Test
    void aRepeatWithTheSameBodyReturnsTheRecordedOutcomeAndChangesNothing() {
        ledger.create("a", 1_000);
        ledger.create("b", 0);
        TransferRecord first = ledger.transfer("m", "a", "b", 100).getTransfer().getRecord();
        Result repeat = ledger.transfer("m", "a", "b", 100);
        assertThat(repeat.getTransfer().getDuplicate()).isTrue();
        assertThat(repeat.getTransfer().getRecord()).isEqualTo(first); // the first index, term, createdAt
        assertThat(ledger.balance("a")).isEqualTo(900);
        assertThat(ledger.transfers(0, 100)).hasSize(1);
    }

    @Test
    void aRepeatWithAnotherBodyIsAConflict() {
        ledger.create("a", 1_000);
        ledger.create("b", 0);
        ledger.create("c", 0);
        TransferRecord first = ledger.transfer("m", "a", "b", 100).getTransfer().getRecord();
        assertThat(ledger.transfer("m", "a", "b", 101).getMsgIdConflict()).isEqualTo(first);
        assertThat(ledger.transfer("m", "a", "c", 100).getMsgIdConflict()).isEqualTo(first);
        assertThat(ledger.transfer("m", "b", "a", 100).getMsgIdConflict()).isEqualTo(first);
        assertThat(ledger.balance("a")).isEqualTo(900);
        assertThat(ledger.balance("c")).isZero();
    }

    @Test
    void aRejectionIsRecordedForeverEvenOnceFundsWouldSuffice() {
        ledger.create("a", 10);
        ledger.create("b", 1_000);
        TransferRecord rejected = ledger.transfer("m", "a", "b", 50).getTransfer().getRecord();
        assertThat(rejected.getReason()).isEqualTo(LedgerStateMachine.INSUFFICIENT_FUNDS);
        ledger.transfer("topup", "b", "a", 100);
        Result repeat = ledger.transfer("m", "a", "b", 50);
        assertThat(repeat.getTransfer().getDuplicate()).isTrue();
        assertThat(repeat.getTransfer().getRecord()).isEqualTo(rejected);
        assertThat(ledger.balance("a")).isEqualTo(110);
        assertThat(ledger.transfer("m", "a", "b", 51).hasMsgIdConflict()).isTrue();
    }

    // ---------------------------------------------------------------- order, restart, snapshots

    @Test
    void transfersAreListedInLogOrderWithPaging() {
        ledger.create("a", 1_000);
        ledger.create("b", 0);
        for (int i = 0; i < 7; i++) {
            ledger.transfer("m" + i, "a", "b", i == 3 ? 5_000 : 1); // m3 is rejected but listed
        }
        List<TransferRecord> page1 = ledger.transfers(0, 3);
        assertThat(page1).extracting(TransferRecord::getMsgId).containsExactly("m0", "m1", "m2");
        List<TransferRecord> page2 = ledger.transfers(page1.get(2).getIndex(), 3);
        assertThat(page2).extracting(TransferRecord::getMsgId).containsExactly("m3", "m4", "m5");
        var last = ledger.query(LedgerCodec.listTransfers(page2.get(2).getIndex(), 3)).getTransfers();
        assertThat(last.getTransfersList()).extracting(TransferRecord::getMsgId).containsExactly("m6");
        assertThat(last.getNextAfterIndex()).isEqualTo(last.getTransfers(0).getIndex());
        var empty = ledger.query(LedgerCodec.listTransfers(last.getNextAfterIndex(), 3)).getTransfers();
        assertThat(empty.getTransfersList()).isEmpty();
        assertThat(empty.getNextAfterIndex()).isEqualTo(last.getNextAfterIndex());
        assertThat(ledger.transfers(0, 5_000)).hasSize(7); // limit capped, not an error
    }

    @Test
    void listAccountsReportsTheAppliedIndexOfItsSnapshot() {
        ledger.create("a", 1);
        ledger.create("b", 2);
        var list = ledger.query(LedgerCodec.listAccounts()).getAccounts();
        assertThat(list.getIndex()).isEqualTo(2);
        assertThat(list.getAccountsCount()).isEqualTo(2);
    }

    @Test
    void restartKeepsTheStateAndTheExactAppliedIndexWithoutReapplying() throws IOException {
        ledger.create("a", 1_000);
        ledger.create("b", 0);
        ledger.transfer("m", "a", "b", 300);
        Map<String, Long> before = ledger.accounts();
        ledger.sm.close();
        ledger.sm.close(); // idempotent

        ledger = new Ledger(LedgerStateMachine.open(dir.resolve("state")));
        assertThat(ledger.sm.lastAppliedIndex()).isEqualTo(3);
        assertThat(ledger.accounts()).isEqualTo(before);
        // an entry at or below the applied index is refused: it cannot move money twice
        Result replay = Result.parseFrom(ledger.sm.apply(3, LedgerCodec.transfer("again", "a", "b", 300, 1, 1)));
        assertThat(replay.getInvalid()).contains("already applied");
        assertThat(ledger.accounts()).isEqualTo(before);
        assertThat(ledger.transfer("again")).isNull();
    }

    private static void writeSnapshot(LedgerStateMachine sm, ByteArrayOutputStream out) throws IOException {
        try (StateSnapshot view = sm.captureSnapshot()) {
            view.writeTo(out);
        }
    }

    @Test
    void aCapturedSnapshotIsThePointInTimeStateWhateverIsAppliedBeforeItIsWritten() throws IOException {
        ledger.create("a", 1_000);
        ledger.create("b", 0);
        ledger.transfer("before", "a", "b", 100);
        long capturedAt = ledger.sm.lastAppliedIndex();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (StateSnapshot view = ledger.sm.captureSnapshot()) {
            ledger.transfer("after", "a", "b", 250); // applied while the view waits to be written
            view.writeTo(out);
        }
        LedgerStateMachine other = LedgerStateMachine.open(dir.resolve("other"));
        other.restoreSnapshot(new ByteArrayInputStream(out.toByteArray()), capturedAt);
        Ledger copy = new Ledger(other);
        assertThat(other.lastAppliedIndex()).isEqualTo(capturedAt);
        assertThat(copy.accounts()).isEqualTo(Map.of("a", 900L, "b", 100L));
        copy.index = capturedAt;
        assertThat(copy.transfer("after", "a", "b", 250).getTransfer().getDuplicate()).isFalse();
        other.close();
    }

    @Test
    void snapshotRestoreRoundTripYieldsIdenticalState() throws IOException {
        ledger.create("a", 1_000);
        ledger.create("b", 0);
        for (int i = 0; i < 50; i++) {
            ledger.transfer("m" + i, i % 2 == 0 ? "a" : "b", i % 2 == 0 ? "b" : "a", 7 * i + 1);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeSnapshot(ledger.sm, out);

        LedgerStateMachine other = LedgerStateMachine.open(dir.resolve("other"));
        Ledger copy = new Ledger(other);
        copy.create("stale", 5); // replaced by the restore
        other.restoreSnapshot(new ByteArrayInputStream(out.toByteArray()), ledger.sm.lastAppliedIndex());
        assertThat(other.lastAppliedIndex()).isEqualTo(ledger.sm.lastAppliedIndex());
        assertThat(copy.accounts()).isEqualTo(ledger.accounts());
        assertThat(copy.transfers(0, 1000)).isEqualTo(ledger.transfers(0, 1000));

        other.close(); // the restored state is the one found after a restart
        other = LedgerStateMachine.open(dir.resolve("other"));
        copy = new Ledger(other);
        assertThat(other.lastAppliedIndex()).isEqualTo(ledger.sm.lastAppliedIndex());
        assertThat(copy.accounts()).isEqualTo(ledger.accounts());
        assertThat(copy.transfers(0, 1000)).isEqualTo(ledger.transfers(0, 1000));
        // and it goes on applying from there
        copy.index = other.lastAppliedIndex();
        assertThat(copy.transfer("m0", "a", "b", 1).getTransfer().getDuplicate()).isTrue();
        other.close();
    }

    @Test
    void aTruncatedCorruptOrMismatchedSnapshotLeavesTheOldStateInPlace() throws IOException {
        ledger.create("a", 1_000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeSnapshot(ledger.sm, out);
        byte[] full = out.toByteArray();

        LedgerStateMachine other = LedgerStateMachine.open(dir.resolve("other"));
        Ledger copy = new Ledger(other);
        copy.create("mine", 5);
        byte[] truncated = Arrays.copyOf(full, full.length / 2);
        assertThatThrownBy(() -> other.restoreSnapshot(new ByteArrayInputStream(truncated), 1))
                .isInstanceOf(IOException.class);
        byte[] corrupt = full.clone();
        corrupt[corrupt.length - 20] ^= 0x5A;
        assertThatThrownBy(() -> other.restoreSnapshot(new ByteArrayInputStream(corrupt), 1))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> other.restoreSnapshot(new ByteArrayInputStream(full), 2))
                .isInstanceOf(IOException.class).hasMessageContaining("index 1, not 2");
        assertThat(copy.accounts()).containsOnlyKeys("mine");
        other.close();
        LedgerStateMachine reopened = LedgerStateMachine.open(dir.resolve("other"));
        assertThat(new Ledger(reopened).accounts()).containsOnlyKeys("mine");
        reopened.close();
    }

    @Test
    void leftoversOfACrashedRestoreAreIgnoredAtOpen() throws IOException {
        ledger.create("a", 1);
        ledger.sm.close();
        // a restore that crashed before switching the pointer leaves a half-written next generation
        Path half = dir.resolve("state").resolve("db-1");
        java.nio.file.Files.createDirectories(half);
        java.nio.file.Files.writeString(half.resolve("000001.sst"), "half");
        ledger = new Ledger(LedgerStateMachine.open(dir.resolve("state")));
        assertThat(ledger.accounts()).containsOnlyKeys("a");
        assertThat(half).doesNotExist();
    }
}
