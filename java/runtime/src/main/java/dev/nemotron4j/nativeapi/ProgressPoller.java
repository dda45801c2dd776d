package dev.nemotron4j.nativeapi;

import dev.nemotron4j.LoadProgress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Watches a pair of counters that native code keeps current while a call runs (bytes done, of a total that is 0
 * until known; e.g. {@code nt_model_options.upload_progress}) from a daemon thread of its own, telling a
 * {@link LoadProgress} each change once the total is known. {@link #finish()} stops it and sends the last update;
 * {@link #close()} only stops it. The thread never outlives either, and the {@code LoadProgress} is never called
 * concurrently: the thread has ended before {@code finish()} reports.
 */
final class ProgressPoller implements AutoCloseable {
    /** Often enough for a progress bar, rarely enough to cost nothing beside a load of seconds. */
    static final Duration INTERVAL = Duration.ofMillis(100);

    private final LongSupplier done;
    private final LongSupplier total;
    private final LoadProgress progress;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;
    private volatile RuntimeException failure;  // thrown by progress on the thread; finish() rethrows it
    private long lastDone = -1;                  // the thread's own
    private long lastTotal = -1;

    /** Starts polling {@code done} and {@code total} every {@code interval} on a daemon thread named {@code name}. */
    ProgressPoller(LongSupplier done, LongSupplier total, LoadProgress progress, Duration interval, String name) {
        this.done = Objects.requireNonNull(done, "done");
        this.total = Objects.requireNonNull(total, "total");
        this.progress = Objects.requireNonNull(progress, "progress");
        long intervalNanos = interval.toNanos();
        thread = new Thread(() -> run(intervalNanos), name);
        thread.setDaemon(true);
        thread.start();
    }

    private void run(long intervalNanos) {
        try {
            while (!stop.await(intervalNanos, TimeUnit.NANOSECONDS)) {
                poll();
            }
        } catch (InterruptedException e) {
            // Nothing else holds this thread: ending it is all an interrupt can ask for.
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    private void poll() {
        long t = total.getAsLong();  // the native side stores the total before the count
        if (t <= 0) {
            return;
        }
        long d = done.getAsLong();
        if (d != lastDone || t != lastTotal) {
            lastDone = d;
            lastTotal = t;
            progress.update(d, t);
        }
    }

    /**
     * The call has returned successfully: stops polling, then tells the progress every byte is done (when a total
     * was ever known), on the caller's thread. Rethrows what the progress threw on the polling thread, if anything.
     */
    void finish() {
        close();
        RuntimeException thrown = failure;
        if (thrown != null) {
            throw thrown;
        }
        long t = total.getAsLong();
        if (t > 0) {
            progress.update(t, t);
        }
    }

    /** Whether the polling thread is still running (until {@link #close()} or {@link #finish()}). */
    boolean polling() {
        return thread.isAlive();
    }

    /** Stops polling and waits for the thread to end (an interrupt meanwhile is kept for the caller). */
    @Override
    public void close() {
        stop.countDown();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
