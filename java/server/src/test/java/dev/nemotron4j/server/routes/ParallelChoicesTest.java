package dev.nemotron4j.server.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nemotron4j.Generation;
import dev.nemotron4j.server.errors.ApiException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Choices run side by side, come back in index order, and the first failure cancels the rest. */
class ParallelChoicesTest {
    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final ParallelChoices choices = new ParallelChoices(workers);

    @AfterEach
    void stop() {
        workers.shutdownNow();
    }

    @Test
    void choicesRunConcurrentlyAndReturnInIndexOrder() {
        int n = 8;
        CountDownLatch allStarted = new CountDownLatch(n);
        List<String> results = choices.run(n, () -> false, (index, cancelled) -> {
            allStarted.countDown();
            try {
                // Each choice waits for all the others to have started: only concurrent choices get past this.
                assertTrue(allStarted.await(10, TimeUnit.SECONDS), "the choices did not all run at once");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return "choice " + index;
        });
        assertEquals(List.of("choice 0", "choice 1", "choice 2", "choice 3", "choice 4", "choice 5", "choice 6",
                "choice 7"), results);
    }

    @Test
    void oneChoiceRunsOnTheCallingThread() {
        Thread caller = Thread.currentThread();
        assertSame(caller, choices.run(1, () -> false, (index, cancelled) -> Thread.currentThread()).get(0));
    }

    @Test
    void theFirstFailureCancelsTheOthersAndIsThrownOnceAllReturned() {
        AtomicInteger cancelledSeen = new AtomicInteger();
        ApiException full = new ApiException(429, "TooManyRequests", "queue full", null, null);
        ApiException thrown = assertThrows(ApiException.class, () -> choices.run(4, () -> false, (index, cancelled) -> {
            if (index == 2) {
                throw full;
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!cancelled.getAsBoolean()) {  // as the runtime polls its cancel check between tokens
                assertTrue(System.nanoTime() < deadline, "choice " + index + " was never cancelled");
                Thread.onSpinWait();
            }
            cancelledSeen.incrementAndGet();
            throw new IllegalStateException("a later failure of a cancelled choice is not the answer");
        }));
        assertSame(full, thrown);
        assertEquals(3, cancelledSeen.get(), "every other choice saw the cancel and returned before the throw");
    }

    @Test
    void theCallersCancelReachesEveryChoice() {
        List<Boolean> seen = choices.run(3, () -> true, (index, cancelled) -> cancelled.getAsBoolean());
        assertEquals(List.of(true, true, true), seen);
    }

    @Test
    void aStoppedPoolAnswers503() {
        workers.shutdown();
        ApiException e = assertThrows(ApiException.class, () -> choices.run(2, () -> false, (i, c) -> i));
        assertEquals(503, e.status());
    }

    @Test
    void choiceJSamplesWithSeedPlusJ() {
        Generation seeded = Generation.builder().seed(41L).build();
        assertSame(seeded, ParallelChoices.seededFor(seeded, 0));
        assertEquals(43L, ParallelChoices.seededFor(seeded, 2).seed());
        Generation unseeded = Generation.builder().build();
        assertEquals(null, ParallelChoices.seededFor(unseeded, 3).seed(), "without a seed each draws its own");
    }
}
