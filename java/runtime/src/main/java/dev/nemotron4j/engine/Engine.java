package dev.nemotron4j.engine;

import dev.nemotron4j.CacheFullException;
import dev.nemotron4j.ContextLengthExceededException;
import dev.nemotron4j.EngineOptions;
import dev.nemotron4j.InvalidRequestException;
import dev.nemotron4j.QueueFullException;
import dev.nemotron4j.RequestTimeoutException;
import dev.nemotron4j.generation.GenerationCancelledException;
import dev.nemotron4j.generation.SampledToken;
import dev.nemotron4j.generation.SamplingStep;
import dev.nemotron4j.nativeapi.NativeBatch;
import dev.nemotron4j.nativeapi.NativeModel;
import dev.nemotron4j.nativeapi.NativeSequence;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The engine loop of one model (vLLM V1's scheduler, in-process): requests are admitted by priority then
 * arrival while state slots last; every step batches the decode token of each running request with
 * prefill chunks of the others under a token budget, runs them in one native pass and draws the next
 * tokens together. When the cache runs out it frees prefix snapshots (least recently used first), then
 * preempts the latest-arrived, lowest-priority request (its state is dropped and recomputed when it is
 * admitted again); a request that cannot fit even alone fails with a clear error.
 *
 * <p>Each request's generation loop runs on its caller's thread and talks to the engine through an
 * {@link EngineSequence}; the engine thread only schedules and computes. After a step it waits briefly
 * (at most {@link #GATHER_NANOS}) for the running requests to hand in their next draw, so that they ride
 * the same step.
 */
public final class Engine implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Engine.class.getName());
    /** How long a step waits for running requests that are between draws. */
    static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** Idle wake-up, to notice deadlines and cancellations of queued requests. */
    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final Comparator<EngineSequence> ORDER =
            Comparator.<EngineSequence>comparingInt(s -> s.priority).thenComparingLong(s -> s.arrival);

    private final NativeModel model;
    private final EngineOptions options;
    private final int contextLength;
    private final int maxRunning;
    private final int blockTokens;
    private final long totalBlocks;
    private final int totalSlots;
    private final PrefixCache prefixCache;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<EngineSequence> waiting = new ArrayList<>();
    private final List<EngineSequence> running = new ArrayList<>();
    private final List<EngineSequence> released = new ArrayList<>();
    private final Thread thread;
    private long arrivals;
    private long steps;
    private long preemptions;
    private long tokensComputed;
    private int largestDecodeBatch;
    private boolean closing;

    /** One sequence's part of a step. */
    private record Entry(EngineSequence request, int[] tokens, boolean draws) {}

    public Engine(NativeModel model, EngineOptions options, int contextLength, String name) {
        this.model = model;
        this.options = options;
        this.contextLength = contextLength;
        NativeModel.Stats stats = model.stats();
        this.totalSlots = stats.stateSlots();
        this.maxRunning = options.maxRunning() > 0 ? Math.min(options.maxRunning(), totalSlots) : totalSlots;
        this.blockTokens = stats.kvBlockTokens();
        this.totalBlocks = stats.kvBlocks();
        this.prefixCache = new PrefixCache(options.prefixCache() ? totalSlots : 0);
        this.thread = new Thread(this::loop, "nemotron4j-engine-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * A new request. Its draws wait for admission; {@code timeout} (null = none) counts from now;
     * {@code cancelled} is polled by the engine while the request waits.
     */
    public EngineSequence open(int priority, Duration timeout, BooleanSupplier cancelled) {
        lock.lock();
        try {
            if (closing) {
                throw new IllegalStateException("the engine is closed");
            }
            Instant deadline = timeout == null ? null : Instant.now().plus(timeout);
            return new EngineSequence(this, arrivals++, priority, deadline, cancelled);
        } finally {
            lock.unlock();
        }
    }

    public EngineStats stats() {
        NativeModel.Stats s = model.stats();
        lock.lock();
        try {
            return new EngineStats(running.size(), waiting.size(), steps, preemptions, prefixCache.size(),
                    prefixCache.queries(), prefixCache.hits(), prefixCache.hitTokens(), s.stateSlots(),
                    s.stateSlotsFree(), s.kvBlocks(), s.kvBlocksFree(), tokensComputed, largestDecodeBatch);
        } finally {
            lock.unlock();
        }
    }

    /** Frees every prefix snapshot (their slots and blocks go back to the pools). */
    public void clearPrefixCache() {
        lock.lock();
        try {
            prefixCache.clear();
        } finally {
            lock.unlock();
        }
    }

    // ---- called by request threads (EngineSequence) ----

    void queue(EngineSequence s, int[] tokens) {
        lock.lock();
        try {
            checkUsable(s);
            if (s.op != null) {
                throw new IllegalStateException("cannot feed while a draw is waiting");
            }
            s.pending.addAll(tokens);
        } finally {
            lock.unlock();
        }
    }

    void mark(EngineSequence s) {
        lock.lock();
        try {
            int at = s.fed.size() + s.pending.size();
            if (at > 0 && (s.marks.isEmpty() || s.marks.peekLast() < at)) {
                s.marks.addLast(at);
            }
        } finally {
            lock.unlock();
        }
    }

    CompletableFuture<SampledToken> submit(EngineSequence s, SamplingStep step) {
        lock.lock();
        try {
            checkUsable(s);
            if (s.op != null) {
                throw new IllegalStateException("a draw is already waiting");
            }
            if (s.fed.isEmpty() && s.pending.isEmpty()) {
                throw new InvalidRequestException("nothing was fed: there are no logits to draw from");
            }
            int total = s.fed.size() + s.pending.size();
            if (total > contextLength) {
                throw new ContextLengthExceededException("the sequence would hold " + total
                        + " tokens; the model's context length is " + contextLength);
            }
            long blocks = blockTokens > 0 ? (total + blockTokens - 1) / blockTokens : 0;
            if (totalBlocks > 0 && blocks > totalBlocks) {
                throw new InvalidRequestException("the sequence would hold " + total + " tokens, " + blocks
                        + " KV blocks of " + blockTokens + "; the whole cache has " + totalBlocks
                        + ": give the cache more memory (cacheMemory / --cache-memory)");
            }
            if (!s.queued) {
                if (waiting.size() >= options.maxWaiting()) {
                    throw new QueueFullException(waiting.size() + " requests are waiting already (maxWaiting "
                            + options.maxWaiting() + "); try again later");
                }
                s.queued = true;
                waiting.add(s);
            }
            s.op = step;
            s.result = new CompletableFuture<>();
            changed.signalAll();
            return s.result;
        } finally {
            lock.unlock();
        }
    }

    long length(EngineSequence s) {
        lock.lock();
        try {
            return s.fed.size() + s.pending.size();
        } finally {
            lock.unlock();
        }
    }

    long cachedTokens(EngineSequence s) {
        lock.lock();
        try {
            return s.cachedTokens;
        } finally {
            lock.unlock();
        }
    }

    void release(EngineSequence s) {
        lock.lock();
        try {
            if (s.closed) {
                return;
            }
            s.closed = true;
            if (s.inFlight) {
                released.add(s);  // the engine thread finishes it after the step
            } else {
                finishReleased(s);  // at once: when close() returns, the state is cached or freed
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static void cancelDraw(EngineSequence s) {
        if (s.result != null) {
            CompletableFuture<SampledToken> result = s.result;
            s.op = null;
            s.result = null;
            result.cancel(false);
        }
    }

    private void checkUsable(EngineSequence s) {
        if (closing) {
            throw new GenerationCancelledException("the engine is closed");
        }
        if (s.closed) {
            throw new IllegalStateException("the request is closed");
        }
        if (s.failed) {
            throw new GenerationCancelledException("the request has failed");
        }
    }

    // ---- the engine thread ----

    private void loop() {
        long lastStepEnd = System.nanoTime();
        while (true) {
            List<Entry> step;
            lock.lock();
            try {
                while (true) {
                    if (closing) {
                        shutdown();
                        return;
                    }
                    cleanUpReleased();
                    expire();
                    admit();
                    if (hasReadyWork()) {
                        long left = GATHER_NANOS - (System.nanoTime() - lastStepEnd);
                        if (left > 0 && someRunningBetweenDraws()) {
                            changed.awaitNanos(left);
                            continue;
                        }
                        break;
                    }
                    changed.awaitNanos(IDLE_POLL_NANOS);
                }
                step = buildStep();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
            runStep(step);
            lastStepEnd = System.nanoTime();
        }
    }

    private boolean hasReadyWork() {
        for (EngineSequence s : running) {
            if (s.op != null && !s.closed) {
                return true;
            }
        }
        return false;
    }

    private boolean someRunningBetweenDraws() {
        for (EngineSequence s : running) {
            if (s.op == null && !s.closed) {
                return true;
            }
        }
        return false;
    }

    /**
     * Admits waiting requests in priority order (a later one never jumps the queue) while state slots last
     * and the KV blocks their prompts need are free, with a block of headroom per running request: a
     * request admitted without room would only preempt the ones already running (vLLM allocates a
     * prompt's blocks at admission for the same reason). Prefix snapshots give way first. With nothing
     * running, the first waiting request is admitted whatever it needs, so a large one cannot starve.
     */
    private void admit() {
        if (waiting.isEmpty()) {
            return;
        }
        waiting.sort(ORDER);
        long freeBlocks = totalBlocks > 0 ? model.stats().kvBlocksFree() : Long.MAX_VALUE;
        for (EngineSequence s : List.copyOf(waiting)) {
            if (running.size() >= maxRunning) {
                return;
            }
            if (s.op == null) {
                continue;  // not drawing yet: nothing to run
            }
            long needed = blockTokens > 0 ? (s.pending.size() + 1L + blockTokens - 1) / blockTokens : 0;
            while (totalBlocks > 0 && !running.isEmpty() && needed + running.size() > freeBlocks) {
                if (!prefixCache.evictOne()) {
                    return;
                }
                freeBlocks = model.stats().kvBlocksFree();
            }
            if (!acquireSequence(s)) {
                return;
            }
            freeBlocks -= needed;
            waiting.remove(s);
            running.add(s);
        }
    }

    /** Gives {@code s} a native sequence, resumed from the prefix cache when it can; false when no slot is free. */
    private boolean acquireSequence(EngineSequence s) {
        int[] prompt = s.pending.toArray();  // a new or preempted request has everything pending
        while (true) {
            try {
                PrefixCache.Hit hit = prefixCache.lookup(prompt);
                if (hit != null) {
                    s.sequence = hit.sequence().fork();
                    s.fed.addAll(s.pending.take(hit.length()));
                } else {
                    s.sequence = model.newSequence();
                }
                if (!s.cachedTokensFinal) {
                    s.cachedTokens = hit == null ? 0 : hit.length();
                    s.cachedTokensFinal = true;
                }
                return true;
            } catch (CacheFullException full) {
                if (!prefixCache.evictOne()) {
                    return false;
                }
            }
        }
    }

    /** Decode tokens first (one each), then prefill chunks while they fit the step's token budget. */
    private List<Entry> buildStep() {
        running.sort(ORDER);
        List<Entry> entries = new ArrayList<>();
        int budget = options.stepTokens();
        for (EngineSequence s : running) {
            if (s.op != null && !s.closed && s.pending.size() == 1) {
                entries.add(new Entry(s, s.pending.peek(1), true));
                budget--;
            }
        }
        for (EngineSequence s : running) {
            if (s.op == null || s.closed || s.pending.size() <= 1) {
                continue;
            }
            int n = chunk(s);
            if (n > budget && !entries.isEmpty()) {
                continue;  // next step; decode tokens of the others go on meanwhile
            }
            entries.add(new Entry(s, s.pending.peek(n), n == s.pending.size()));
            budget -= n;
        }
        for (Entry e : entries) {
            e.request.inFlight = true;
        }
        return entries;
    }

    /**
     * The next chunk of a request's pending tokens: at most prefillChunk, ending at its next snapshot
     * mark. It depends only on the request itself, never on the batch, so a request computes the same
     * numbers alone and in company.
     */
    private int chunk(EngineSequence s) {
        int n = Math.min(options.prefillChunk(), s.pending.size());
        Integer mark = s.marks.peekFirst();
        if (mark != null && mark > s.fed.size()) {
            n = Math.min(n, mark - s.fed.size());
        }
        return n;
    }

    private void runStep(List<Entry> entries) {
        List<Entry> batch = new ArrayList<>(entries);
        RuntimeException failure = null;
        while (!batch.isEmpty()) {
            try {
                List<NativeBatch.Feed> feeds = new ArrayList<>();
                for (Entry e : batch) {
                    feeds.add(new NativeBatch.Feed(e.request.sequence, e.tokens, e.draws));
                }
                NativeBatch.feed(model, feeds);
                break;
            } catch (CacheFullException full) {
                lock.lock();
                try {
                    makeRoom(batch);
                } finally {
                    lock.unlock();
                }
            } catch (RuntimeException e) {
                failure = e;
                break;
            }
        }
        List<EngineSequence> drawing = new ArrayList<>();
        List<SamplingStep> draws = new ArrayList<>();
        lock.lock();
        try {
            steps++;
            int decodeRows = 0;
            for (Entry e : entries) {
                e.request.inFlight = false;
            }
            for (Entry e : batch) {
                tokensComputed += e.tokens.length;
                decodeRows += e.tokens.length == 1 ? 1 : 0;
            }
            largestDecodeBatch = Math.max(largestDecodeBatch, failure == null ? decodeRows : 0);
            for (Entry e : batch) {
                EngineSequence s = e.request;
                if (failure != null) {
                    fail(s, failure);
                    continue;
                }
                s.pending.take(e.tokens.length);
                s.fed.addAll(e.tokens);
                snapshotAtMark(s);
                if (s.closed) {
                    cancelDraw(s);  // cleaned up next; its state may still serve as a prefix
                    continue;
                }
                if (e.draws) {
                    drawing.add(s);
                    draws.add(s.op);
                }
            }
        } finally {
            lock.unlock();
        }
        if (drawing.isEmpty()) {
            return;
        }
        List<NativeSequence> sequences = drawing.stream().map(s -> s.sequence).toList();
        List<SampledToken> drawn = null;
        RuntimeException drawFailure = null;
        try {
            drawn = NativeBatch.sample(model, sequences, draws);
        } catch (RuntimeException e) {
            drawFailure = e;
        }
        lock.lock();
        try {
            for (int i = 0; i < drawing.size(); i++) {
                EngineSequence s = drawing.get(i);
                if (drawFailure != null) {
                    fail(s, drawFailure);
                    continue;
                }
                CompletableFuture<SampledToken> result = s.result;
                s.op = null;
                s.result = null;
                result.complete(drawn.get(i));
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The step's blocks could not be reserved: free the least recently used prefix snapshot, or else
     * preempt the lowest-priority, latest request; a request alone that still does not fit fails.
     */
    private void makeRoom(List<Entry> batch) {
        if (prefixCache.evictOne()) {
            return;
        }
        EngineSequence victim = null;
        for (EngineSequence s : running) {
            if (victim == null || ORDER.compare(s, victim) > 0) {
                victim = s;
            }
        }
        if (victim == null) {
            batch.clear();
            return;
        }
        if (running.size() == 1) {
            EngineSequence alone = victim;
            batch.removeIf(e -> e.request == alone);
            fail(alone, new InvalidRequestException("the request needs more KV blocks than the whole cache has ("
                    + totalBlocks + " blocks of " + blockTokens + " tokens): give the cache more memory"));
            return;
        }
        EngineSequence preempted = victim;
        batch.removeIf(e -> e.request == preempted);
        preempted.inFlight = false;
        preempt(preempted);
    }

    /** Drops a running request's state; it waits again with everything it had fed pending. */
    private void preempt(EngineSequence s) {
        LOG.log(System.Logger.Level.DEBUG, () -> "preempting request " + s.arrival + " at " + s.fed.size() + " tokens");
        s.sequence.close();
        s.sequence = null;
        int[] again = s.fed.toArray();
        int[] rest = s.pending.toArray();
        s.fed.clear();
        s.pending.clear();
        s.pending.addAll(again);
        s.pending.addAll(rest);
        running.remove(s);
        waiting.add(s);
        preemptions++;
    }

    private void snapshotAtMark(EngineSequence s) {
        while (!s.marks.isEmpty() && s.marks.peekFirst() < s.fed.size()) {
            s.marks.pollFirst();
        }
        if (s.marks.isEmpty() || s.marks.peekFirst() != s.fed.size()) {
            return;
        }
        s.marks.pollFirst();
        int[] tokens = s.fed.toArray();
        if (!options.prefixCache() || prefixCache.contains(tokens)) {
            return;
        }
        try {
            prefixCache.insert(tokens, s.sequence.fork());
        } catch (CacheFullException full) {
            // no slot for a snapshot now: it is only a cache
        }
    }

    private void cleanUpReleased() {
        for (EngineSequence s : List.copyOf(released)) {
            if (!s.inFlight) {
                released.remove(s);
                finishReleased(s);
            }
        }
    }

    /** A closed request leaves the engine: its draw is cancelled, its state cached as a prefix or freed. */
    private void finishReleased(EngineSequence s) {
        cancelDraw(s);
        waiting.remove(s);
        running.remove(s);
        if (s.sequence != null) {
            if (options.prefixCache() && !s.failed && !s.fed.isEmpty()) {
                prefixCache.insert(s.fed.toArray(), s.sequence);
            } else {
                s.sequence.close();
            }
            s.sequence = null;
        }
    }

    /** Fails requests past their deadline and cancels those whose caller went away. */
    private void expire() {
        Instant now = Instant.now();
        for (EngineSequence s : concat(waiting, running)) {
            if (s.inFlight || s.closed || s.failed) {
                continue;
            }
            if (s.deadline != null && now.isAfter(s.deadline)) {
                fail(s, new RequestTimeoutException("the request passed its deadline after "
                        + s.fed.size() + " tokens were computed; it was stopped and its state freed"));
            } else if (s.cancelled != null && s.op != null && s.cancelled.getAsBoolean()) {
                fail(s, new GenerationCancelledException("the request was cancelled"));
            }
        }
    }

    /** Ends a request with an error: its draw fails, its state is freed (never cached). */
    private void fail(EngineSequence s, RuntimeException cause) {
        s.failed = true;
        s.inFlight = false;
        waiting.remove(s);
        running.remove(s);
        if (s.sequence != null) {
            s.sequence.close();
            s.sequence = null;
        }
        if (s.result != null) {
            CompletableFuture<SampledToken> result = s.result;
            s.op = null;
            s.result = null;
            result.completeExceptionally(cause);
        }
    }

    private static List<EngineSequence> concat(List<EngineSequence> a, List<EngineSequence> b) {
        List<EngineSequence> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private void shutdown() {
        for (EngineSequence s : concat(waiting, running)) {
            fail(s, new GenerationCancelledException("the engine was closed"));
        }
        for (EngineSequence s : released) {
            if (s.sequence != null) {
                s.sequence.close();
                s.sequence = null;
            }
        }
        released.clear();
        prefixCache.clear();
    }

    /** Stops the loop: waiting draws fail, every sequence and snapshot is freed. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closing) {
                return;
            }
            closing = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
