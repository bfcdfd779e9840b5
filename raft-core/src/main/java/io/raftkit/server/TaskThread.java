package io.raftkit.server;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One named thread that runs the tasks handed to it, one at a time, in the order they came. It is
 * where user code runs (future callbacks, leader and fatal-error listeners), so that user code
 * never runs on the loop or the apply thread. {@link #execute} never blocks and never refuses: a
 * task handed over after the thread ended runs on the caller's thread (by then the loop and the
 * apply thread have ended too, so the caller is the closing thread or a submitter).
 */
final class TaskThread implements Executor, Runnable {

    private static final Logger log = LoggerFactory.getLogger(TaskThread.class);

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean parked;
    private volatile boolean stopping;
    private volatile boolean ended;

    TaskThread(String name) {
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    Thread thread() {
        return thread;
    }

    @Override
    public void execute(Runnable task) {
        tasks.offer(task);
        if (ended) {
            drain(); // too late for the thread: whoever comes now runs what is left
        } else if (parked) {
            LockSupport.unpark(thread);
        }
    }

    /** Lets the thread run the tasks queued so far, then end. */
    void stop() {
        stopping = true;
        LockSupport.unpark(thread);
    }

    @Override
    public void run() {
        try {
            while (true) {
                if (!drain()) {
                    if (stopping) {
                        break;
                    }
                    parked = true;
                    if (tasks.isEmpty() && !stopping) {
                        LockSupport.park(this);
                    }
                    parked = false;
                }
            }
        } finally {
            ended = true;
            drain(); // a task offered just before ended was set
        }
    }

    private boolean drain() {
        boolean any = false;
        Runnable r;
        while ((r = tasks.poll()) != null) {
            any = true;
            try {
                r.run();
            } catch (RuntimeException e) {
                log.warn("{}: a task threw", thread.getName(), e);
            }
        }
        return any;
    }
}
