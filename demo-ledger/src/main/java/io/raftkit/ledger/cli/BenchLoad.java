package io.raftkit.ledger.cli;

import io.raftkit.ledger.client.LedgerClient;
import io.raftkit.ledger.client.LedgerClientException;
import io.raftkit.ledger.client.LedgerErrorException;
import io.raftkit.ledger.client.OutcomeUnknownException;
import io.raftkit.ledger.client.TransferOutcome;
import io.raftkit.ledger.client.TransferRequest;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Closed-loop load: each client thread submits one transfer between two random accounts, waits
 * for its outcome, and starts the next. Latencies after the warm-up go to an HdrHistogram.
 */
final class BenchLoad {

    /** The bench's accounts, created before the load. */
    static String accountId(int i) {
        return String.format("bench-%05d", i);
    }

    private final LedgerClient client;
    private final int clients;
    private final int accounts;
    private final BigDecimal amount;
    private final Recorder recorder = new Recorder(3);
    private final LongAdder committed = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private volatile boolean measuring;

    BenchLoad(LedgerClient client, int clients, int accounts, BigDecimal amount) {
        this.client = client;
        this.clients = clients;
        this.accounts = accounts;
        this.amount = amount;
    }

    /** Creates the accounts that do not exist yet, with enough money to never run out. */
    void createAccounts(BigDecimal initial) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(clients, 16));
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < accounts; i++) {
                String id = accountId(i);
                done.add(pool.submit(() -> {
                    try {
                        client.createAccount(id, initial);
                    } catch (LedgerErrorException e) {
                        if (!e.code().equals("ACCOUNT_EXISTS")) {
                            throw e;
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new CliFailure(ExitCodes.FAILURE, "creating the bench accounts failed: " + e.getCause().getMessage());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Starts the client threads; they stop at {@code endNanos}. */
    ExecutorService start(long endNanos) {
        ExecutorService pool = Executors.newFixedThreadPool(clients, r -> {
            Thread t = new Thread(r, "bench-client");
            t.setDaemon(true);
            return t;
        });
        for (int c = 0; c < clients; c++) {
            pool.execute(() -> loop(endNanos));
        }
        pool.shutdown();
        return pool;
    }

    /** From now on, latencies and outcomes count. */
    void startMeasuring() {
        recorder.reset();
        committed.reset();
        errors.clear();
        measuring = true;
    }

    private void loop(long endNanos) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (System.nanoTime() < endNanos && !Thread.currentThread().isInterrupted()) {
            int from = random.nextInt(accounts);
            int to = (from + 1 + random.nextInt(accounts - 1)) % accounts;
            TransferRequest request = TransferRequest.withNewMsgId(accountId(from), accountId(to), amount);
            long start = System.nanoTime();
            String error = null;
            try {
                TransferOutcome outcome = client.transfer(request);
                if (outcome instanceof TransferOutcome.Rejected r) {
                    error = "REJECTED_" + r.reason();
                }
            } catch (OutcomeUnknownException e) {
                error = "OUTCOME_UNKNOWN";
            } catch (LedgerErrorException e) {
                error = e.code();
            } catch (LedgerClientException e) {
                error = e.getClass().getSimpleName();
            }
            long nanos = System.nanoTime() - start;
            if (!measuring) {
                continue;
            }
            if (error == null) {
                recorder.recordValue(Math.max(1, nanos / 1000));
                committed.increment();
            } else {
                errors.computeIfAbsent(error, k -> new LongAdder()).increment();
            }
        }
    }

    /** Latencies (microseconds) recorded since the previous call. */
    Histogram interval(Histogram reuse) {
        return recorder.getIntervalHistogram(reuse);
    }

    long committed() {
        return committed.sum();
    }

    Map<String, Long> errors() {
        Map<String, Long> copy = new TreeMap<>();
        errors.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    long errorCount() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    static Duration cpuOf(ProcessHandle process) {
        return process.info().totalCpuDuration().orElse(Duration.ZERO);
    }
}
