package io.raftkit.ledger.cli;

import java.util.concurrent.CountDownLatch;

/** Serves until Ctrl-C or SIGTERM, then closes what it serves before the JVM exits. */
final class Serving {

    private Serving() {
    }

    static void untilStopped(AutoCloseable served) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                served.close();
            } catch (Exception e) {
                System.err.println("error while stopping: " + e.getMessage());
            } finally {
                closed.countDown();
            }
        }, "ledger-shutdown"));
        closed.await();
    }
}
