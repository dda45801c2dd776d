package dev.nemotron4j.nativeapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nemotron4j.LoadProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link ProgressPoller}: counters a native call keeps current, polled into a {@link LoadProgress} (no GPU). */
class ProgressPollerTest {
    /** Fast enough that a test waits milliseconds, not the production 100 ms. */
    private static final Duration INTERVAL = Duration.ofMillis(2);
    /** Generous: a loaded CI machine may not run the polling thread for a while. */
    private static final long WAIT_MS = 10_000;

    private record Update(long done, long total, Thread thread) {}

    /** Records every update and the thread it came on. */
    private static final class Recorder implements LoadProgress {
        final List<Update> updates = new ArrayList<>();

        @Override
        public synchronized void update(long done, long total) {
            updates.add(new Update(done, total, Thread.currentThread()));
            notifyAll();
        }

        synchronized void awaitUpdate(long done, long total) throws InterruptedException {
            long deadline = System.currentTimeMillis() + WAIT_MS;
            while (updates.stream().noneMatch(u -> u.done() == done && u.total() == total)) {
                long left = deadline - System.currentTimeMillis();
                assertTrue(left > 0, "no update " + done + "/" + total + " among " + updates);
                wait(left);
            }
        }

        synchronized List<Update> all() {
            return List.copyOf(updates);
        }
    }

    private final AtomicLong done = new AtomicLong();
    private final AtomicLong total = new AtomicLong();
    private final Recorder recorder = new Recorder();

    private ProgressPoller start(LoadProgress progress) {
        return new ProgressPoller(done::get, total::get, progress, INTERVAL, "test-progress");
    }

    @Test
    void changesAreDeliveredOnceTheTotalIsKnownThenTheLastUpdateOnTheCallersThread() throws Exception {
        try (ProgressPoller poller = start(recorder)) {
            done.set(5);
            Thread.sleep(20 * INTERVAL.toMillis());
            assertEquals(List.of(), recorder.all(), "nothing before the total is known");
            total.set(100);
            done.set(30);
            recorder.awaitUpdate(30, 100);
            done.set(60);
            recorder.awaitUpdate(60, 100);
            assertTrue(poller.polling());
            poller.finish();
            assertFalse(poller.polling(), "the thread has ended");
        }
        List<Update> updates = recorder.all();
        Update last = updates.get(updates.size() - 1);
        assertEquals(new Update(100, 100, Thread.currentThread()), last);
        for (Update u : updates.subList(0, updates.size() - 1)) {
            assertEquals("test-progress", u.thread().getName());
            assertTrue(u.thread().isDaemon());
        }
        for (int i = 1; i < updates.size() - 1; i++) {
            assertFalse(updates.get(i).equals(updates.get(i - 1)), "an unchanged count is not repeated: " + updates);
        }
    }

    @Test
    void closingWithoutFinishingStopsTheThreadAndSendsNoLastUpdate() throws Exception {
        ProgressPoller poller = start(recorder);
        total.set(100);
        done.set(40);
        recorder.awaitUpdate(40, 100);
        poller.close();
        assertFalse(poller.polling());
        done.set(70);
        Thread.sleep(20 * INTERVAL.toMillis());
        assertEquals(List.of(40L), recorder.all().stream().map(Update::done).toList());
        poller.close();  // idempotent
    }

    @Test
    void noTotalNoUpdates() {
        ProgressPoller poller = start(recorder);
        poller.finish();
        assertFalse(poller.polling());
        assertEquals(List.of(), recorder.all());
    }

    @Test
    void whatTheProgressThrowsOnThePollingThreadReachesFinish() throws Exception {
        var boom = new IllegalStateException("boom");
        var calls = new AtomicLong();
        ProgressPoller poller = start((d, t) -> {
            calls.incrementAndGet();
            throw boom;
        });
        total.set(10);
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (poller.polling()) {
            assertTrue(System.currentTimeMillis() < deadline, "the polling thread should stop at the failure");
            Thread.sleep(1);
        }
        assertSame(boom, assertThrows(IllegalStateException.class, poller::finish));
        assertEquals(1, calls.get(), "no last update after a failure");
    }

    @Test
    void anInterruptedCallerStillWaitsForTheThreadAndKeepsItsInterrupt() {
        ProgressPoller poller = start(recorder);
        Thread.currentThread().interrupt();
        try {
            poller.close();
            assertFalse(poller.polling());
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }
}
