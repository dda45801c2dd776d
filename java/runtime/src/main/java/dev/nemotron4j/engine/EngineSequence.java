package dev.nemotron4j.engine;

import dev.nemotron4j.generation.DecodeTarget;
import dev.nemotron4j.generation.GenerationCancelledException;
import dev.nemotron4j.generation.SampledToken;
import dev.nemotron4j.generation.SamplingStep;
import dev.nemotron4j.nativeapi.NativeSequence;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

/**
 * One request's sequence in the engine, as its generation loop sees it: {@link #feed} only queues
 * tokens; {@link #sample} hands the queued tokens and the draw to the engine and waits for the step that
 * runs them (prefilling a long prompt over several steps, in chunks). The engine owns the native state
 * and may preempt it (drop it and recompute it later) without the caller noticing. Close it when the
 * reply is done: its state then goes to the prefix cache.
 *
 * <p>One thread drives a sequence; {@link #close} may come from any thread and cancels a waiting draw.
 */
public final class EngineSequence implements DecodeTarget, AutoCloseable {
    private final Engine engine;
    final long arrival;
    final int priority;
    final Instant deadline;  // null: none
    final BooleanSupplier cancelled;

    // Guarded by the engine's lock.
    boolean queued;  // its first draw was submitted: it is (or was) in the engine's lists
    final TokenList fed = new TokenList();       // in the native sequence, in order
    final TokenList pending = new TokenList();   // queued, not yet fed
    final Deque<Integer> marks = new ArrayDeque<>();  // absolute positions to snapshot at, ascending
    NativeSequence sequence;
    int cachedTokens;
    boolean cachedTokensFinal;
    SamplingStep op;
    CompletableFuture<SampledToken> result;
    boolean inFlight;
    boolean closed;
    boolean failed;

    EngineSequence(Engine engine, long arrival, int priority, Instant deadline, BooleanSupplier cancelled) {
        this.engine = engine;
        this.arrival = arrival;
        this.priority = priority;
        this.deadline = deadline;
        this.cancelled = cancelled;
    }

    /** Queues tokens; they are fed with the next {@link #sample}. */
    @Override
    public void feed(int[] tokens) {
        engine.queue(this, tokens);
    }

    /**
     * Asks the engine to keep a snapshot of the state after everything queued so far (a point other
     * requests are likely to share, e.g. the end of a system prompt or of a user turn).
     */
    public void markSnapshot() {
        engine.mark(this);
    }

    /** Feeds what is queued and draws the next token; blocks until the engine has run it. */
    @Override
    public SampledToken sample(SamplingStep step) {
        CompletableFuture<SampledToken> future = engine.submit(this, step);
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new GenerationCancelledException("interrupted while waiting for the engine");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(cause);
        } catch (java.util.concurrent.CancellationException e) {
            throw new GenerationCancelledException("the request was cancelled");
        }
    }

    @Override
    public long length() {
        return engine.length(this);
    }

    /** Prompt tokens that were not computed but taken from the prefix cache (known after the first draw). */
    @Override
    public long cachedTokens() {
        return engine.cachedTokens(this);
    }

    /** Ends the request: a waiting draw is cancelled; the state is kept in the prefix cache or freed. */
    @Override
    public void close() {
        engine.release(this);
    }
}
