package dev.nemotron4j.server.routes;

import dev.nemotron4j.Generation;
import dev.nemotron4j.server.errors.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * The choices of one request ({@code n} samples, several prompts) run side by side: each on a worker
 * thread, so that the engine batches their sequences, while the request thread waits for all of them.
 * The first choice to fail cancels the others (each polls its cancel check) and its exception is what the
 * request fails with, once every choice has returned: no sequence outlives its request. The worker pool is
 * the handler's; this class holds no state of its own between requests.
 */
public final class ParallelChoices {
    private final ExecutorService workers;

    public ParallelChoices(ExecutorService workers) {
        this.workers = workers;
    }

    /** One choice's work; it must stop soon after {@code cancelled} turns true (pass it to the runtime). */
    @FunctionalInterface
    public interface Choice<T> {
        T run(int index, BooleanSupplier cancelled);
    }

    /**
     * As vLLM V1's parallel sampling (its {@code ParentRequest}): with a seed, choice {@code index} samples
     * with seed + index, so the choices differ yet each replays exactly as a single request with that seed;
     * without one each choice draws its own random seed.
     */
    public static Generation seededFor(Generation generation, int index) {
        if (generation.seed() == null || index == 0) {
            return generation;
        }
        return generation.toBuilder().seed(generation.seed() + index).build();
    }

    /**
     * Runs choices {@code 0 .. count-1} and returns their results in index order. {@code alsoCancelled}
     * (e.g. the client went away) reaches every choice's cancel check. A single choice runs on the calling
     * thread. Throws the first choice's failure; 503 when the pool is shut down or the waiting thread is
     * interrupted (the server is stopping).
     */
    public <T> List<T> run(int count, BooleanSupplier alsoCancelled, Choice<T> choice) {
        if (count == 1) {
            return List.of(choice.run(0, alsoCancelled));
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        BooleanSupplier cancelled = () -> failure.get() != null || alsoCancelled.getAsBoolean();
        List<Future<T>> futures = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(workers.submit(() -> {
                    try {
                        return choice.run(index, cancelled);
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                        throw t;
                    }
                }));
            }
        } catch (RejectedExecutionException e) {
            failure.compareAndSet(null, stopping());
        }
        List<T> results = awaitAll(futures, failure);
        Throwable first = failure.get();
        if (first instanceof RuntimeException e) {
            throw e;
        }
        if (first instanceof Error e) {
            throw e;
        }
        if (first != null) {
            throw new IllegalStateException(first);
        }
        return results;
    }

    /** Waits for every future, even when interrupted (then the rest are cancelled and 503 is the failure). */
    private static <T> List<T> awaitAll(List<Future<T>> futures, AtomicReference<Throwable> failure) {
        List<T> results = new ArrayList<>(futures.size());
        boolean interrupted = false;
        for (Future<T> future : futures) {
            while (true) {
                try {
                    results.add(future.get());
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    failure.compareAndSet(null, stopping());
                } catch (ExecutionException e) {
                    results.add(null);  // recorded in failure by the task itself
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return results;
    }

    private static ApiException stopping() {
        return new ApiException(503, "ServiceUnavailable", "the server is shutting down", null, null);
    }
}
