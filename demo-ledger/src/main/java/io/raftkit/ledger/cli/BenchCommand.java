package io.raftkit.ledger.cli;

import io.raftkit.ledger.client.LedgerClient;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench --clients 64 --duration 30s --accounts 1000}: closed-loop transfers with a live line and a summary. */
@Command(name = "bench", description = {"Load the ledger with concurrent transfers and report throughput and latency.",
        "Creates the accounts bench-00000.. if missing; each client waits for its transfer's outcome before the next."},
        mixinStandardHelpOptions = true)
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ClientOptions client;

    @Option(names = "--clients", defaultValue = "64", description = "Concurrent clients (default ${DEFAULT-VALUE}).")
    int clients;
    @Option(names = "--duration", defaultValue = "30s", converter = DurationConverter.class,
            description = "Measured duration (default ${DEFAULT-VALUE}).")
    Duration duration;
    @Option(names = "--warmup", defaultValue = "5s", converter = DurationConverter.class,
            description = "Load before measuring, not counted (default ${DEFAULT-VALUE}).")
    Duration warmup;
    @Option(names = "--accounts", defaultValue = "1000", description = "Accounts to spread the transfers over (default ${DEFAULT-VALUE}).")
    int accounts;
    @Option(names = "--cpu-pid", paramLabel = "PID",
            description = "Also report the CPU time per transfer of this process (e.g. the local cluster's JVM).")
    Long cpuPid;

    @Override
    public Integer call() throws InterruptedException {
        if (clients < 1 || accounts < 2 || duration.isZero() || duration.isNegative() || warmup.isNegative()) {
            throw new CliFailure(ExitCodes.USAGE, "need --clients >= 1, --accounts >= 2 and a positive --duration");
        }
        PrintWriter out = spec.commandLine().getOut();
        Optional<ProcessHandle> server = Optional.ofNullable(cpuPid).map(pid -> ProcessHandle.of(pid)
                .orElseThrow(() -> new CliFailure(ExitCodes.FAILURE, "no process with pid " + pid)));
        LedgerClient ledger = client.client();
        BenchLoad load = new BenchLoad(ledger, clients, accounts, new BigDecimal("0.01"));
        out.printf("bench: %d clients, %d accounts, warm-up %d s, measuring %d s against %s%n", clients, accounts,
                warmup.toSeconds(), duration.toSeconds(), ledger.servers());
        load.createAccounts(new BigDecimal("1000000.00"));

        long warmupEnd = System.nanoTime() + warmup.toNanos();
        long end = warmupEnd + duration.toNanos();
        ExecutorService pool = load.start(end);
        if (!warmup.isZero()) {
            pool.awaitTermination(warmup.toNanos(), TimeUnit.NANOSECONDS);
        }
        load.startMeasuring();
        Duration serverCpuStart = server.map(BenchLoad::cpuOf).orElse(Duration.ZERO);
        Duration clientCpuStart = BenchLoad.cpuOf(ProcessHandle.current());
        long measureStart = System.nanoTime();

        Histogram total = new Histogram(3);
        Histogram interval = null;
        boolean console = System.console() != null;
        long lastCount = 0;
        int second = 0;
        while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
            second++;
            interval = load.interval(interval);
            total.add(interval);
            long count = load.committed();
            String line = String.format("%4d s  %8d transfers/s  p99 %7.2f ms  errors %d", second, count - lastCount,
                    interval.getValueAtPercentile(99) / 1000.0, load.errorCount());
            lastCount = count;
            if (console) {
                out.print("\r" + line);
                out.flush();
            } else if (second % 5 == 0) {
                out.println(line);
            }
        }
        double seconds = (System.nanoTime() - measureStart) / 1e9;
        total.add(load.interval(interval));
        Duration clientCpu = BenchLoad.cpuOf(ProcessHandle.current()).minus(clientCpuStart);
        if (console) {
            out.println();
        }
        long transfers = load.committed();
        out.printf("transfers: %d committed in %.1f s = %.0f transfers/s%n", transfers, seconds, transfers / seconds);
        out.printf("latency ms: p50 %.2f  p99 %.2f  p999 %.2f  max %.2f%n", total.getValueAtPercentile(50) / 1000.0,
                total.getValueAtPercentile(99) / 1000.0, total.getValueAtPercentile(99.9) / 1000.0,
                total.getMaxValue() / 1000.0);
        Map<String, Long> errors = load.errors();
        out.println("errors: " + (errors.isEmpty() ? "none" : errors.toString()));
        server.ifPresent(p -> {
            Duration cpu = BenchLoad.cpuOf(p).minus(serverCpuStart);
            out.printf("cpu: server pid %d %.1f s = %.3f ms per transfer%n", p.pid(), cpu.toMillis() / 1000.0,
                    transfers == 0 ? 0.0 : cpu.toNanos() / 1e6 / transfers);
        });
        out.printf("cpu: bench client %.1f s = %.3f ms per transfer%n", clientCpu.toMillis() / 1000.0,
                transfers == 0 ? 0.0 : clientCpu.toNanos() / 1e6 / transfers);
        if (transfers == 0) {
            throw new CliFailure(ExitCodes.FAILURE, "no transfer committed");
        }
        return ExitCodes.OK;
    }
}
