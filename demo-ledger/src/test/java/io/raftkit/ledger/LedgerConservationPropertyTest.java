package io.raftkit.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkit.ledger.proto.Result;
import io.raftkit.ledger.proto.TransferRecord;
import io.raftkit.ledger.proto.TransferStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Long random sequences of commands against a model: money is conserved, no balance goes negative,
 * every outcome matches the model. The seed is printed; replay one with -Dledger.seed=N.
 */
class LedgerConservationPropertyTest {

    private static final int ACCOUNTS = 12;

    @TempDir
    Path dir;

    @Test
    void moneyIsConservedAndEveryOutcomeMatchesTheModel() {
        long seed = Long.getLong("ledger.seed", System.nanoTime());
        System.out.println("LedgerConservationPropertyTest seed " + seed + " (replay with -Dledger.seed=" + seed + ")");
        Random rnd = new Random(seed);
        LedgerStateMachine sm = LedgerStateMachine.open(dir.resolve("state"));
        try {
            Ledger ledger = new Ledger(sm);
            Map<String, Long> model = new HashMap<>();
            Map<String, TransferRecord> recorded = new HashMap<>();
            List<String> msgIds = new ArrayList<>();
            long total = 0;
            for (int i = 0; i < ACCOUNTS; i++) {
                long initial = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(100_000);
                ledger.create("acc" + i, initial);
                model.put("acc" + i, initial);
                total += initial;
            }
            for (int step = 0; step < 3_000; step++) {
                String from = "acc" + rnd.nextInt(ACCOUNTS + 1); // acc12 does not exist
                String to = "acc" + rnd.nextInt(ACCOUNTS + 1);
                if (from.equals(to)) {
                    continue;
                }
                long amount = switch (rnd.nextInt(4)) {
                    case 0 -> 1;
                    case 1 -> 1 + rnd.nextInt(200_000);
                    default -> 1 + rnd.nextInt(5_000);
                };
                boolean repeat = !msgIds.isEmpty() && rnd.nextInt(10) == 0;
                String msgId = repeat ? msgIds.get(rnd.nextInt(msgIds.size())) : "m" + step;
                Result r = ledger.transfer(msgId, from, to, amount);
                TransferRecord prior = recorded.get(msgId);
                String at = "seed " + seed + " step " + step;
                if (prior != null) {
                    boolean same = prior.getFrom().equals(from) && prior.getTo().equals(to)
                            && prior.getAmountCents() == amount;
                    if (same) {
                        assertThat(r.getTransfer().getDuplicate()).as(at).isTrue();
                        assertThat(r.getTransfer().getRecord()).as(at).isEqualTo(prior);
                    } else {
                        assertThat(r.getMsgIdConflict()).as(at).isEqualTo(prior);
                    }
                } else {
                    TransferRecord rec = r.getTransfer().getRecord();
                    String expected = !model.containsKey(from) || !model.containsKey(to)
                            ? LedgerStateMachine.ACCOUNT_NOT_FOUND
                            : model.get(from) < amount ? LedgerStateMachine.INSUFFICIENT_FUNDS : null;
                    if (expected == null) {
                        assertThat(rec.getStatus()).as(at).isEqualTo(TransferStatus.COMMITTED);
                        model.merge(from, -amount, Long::sum);
                        model.merge(to, amount, Long::sum);
                    } else {
                        assertThat(rec.getReason()).as(at).isEqualTo(expected);
                    }
                    recorded.put(msgId, rec);
                    msgIds.add(msgId);
                }
                if (step % 100 == 0) {
                    Map<String, Long> actual = ledger.accounts();
                    assertThat(actual).as(at).isEqualTo(model);
                    assertThat(actual.values().stream().mapToLong(Long::longValue).sum()).as(at).isEqualTo(total);
                    assertThat(actual.values()).as(at).allMatch(b -> b >= 0);
                }
            }
            assertThat(ledger.accounts()).isEqualTo(model);
            assertThat(ledger.transfers(0, 1000)).hasSizeLessThanOrEqualTo(1000);
        } finally {
            sm.close();
        }
    }

    @Test
    void readsConcurrentWithApplySeeConsistentSnapshots() throws Exception {
        long seed = Long.getLong("ledger.seed", System.nanoTime());
        System.out.println("readsConcurrentWithApplySeeConsistentSnapshots seed " + seed);
        Random rnd = new Random(seed);
        LedgerStateMachine sm = LedgerStateMachine.open(dir.resolve("state"));
        try {
            Ledger ledger = new Ledger(sm);
            for (int i = 0; i < ACCOUNTS; i++) {
                ledger.create("acc" + i, 10_000);
            }
            long total = ACCOUNTS * 10_000L;
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<String> violation = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                Ledger view = new Ledger(sm);
                while (!done.get() && violation.get() == null) {
                    var list = view.query(LedgerCodec.listAccounts()).getAccounts();
                    long sum = list.getAccountsList().stream().mapToLong(a -> a.getBalanceCents()).sum();
                    if (sum != total) {
                        violation.set("sum " + sum + " at index " + list.getIndex());
                    }
                }
            }, "reader");
            reader.start();
            for (int step = 0; step < 500; step++) {
                int a = rnd.nextInt(ACCOUNTS);
                int b = (a + 1 + rnd.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                ledger.transfer("c" + step, "acc" + a, "acc" + b, 1 + rnd.nextInt(3_000));
            }
            done.set(true);
            reader.join(10_000);
            assertThat(violation.get()).as("seed " + seed).isNull();
        } finally {
            sm.close();
        }
    }
}
