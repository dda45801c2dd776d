package dev.nemotron4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nemotron4j.EngineOptions;
import dev.nemotron4j.Generation;
import dev.nemotron4j.InvalidRequestException;
import dev.nemotron4j.ModelOptions;
import dev.nemotron4j.NemotronModel;
import dev.nemotron4j.QueueFullException;
import dev.nemotron4j.RepoPaths;
import dev.nemotron4j.RequestTimeoutException;
import dev.nemotron4j.generation.GenerationCancelledException;
import dev.nemotron4j.generation.SampledToken;
import dev.nemotron4j.generation.SamplingStep;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The engine on a real (tiny) model: batch invariance, prefix reuse, memory limits, preemption, a soak. */
class EngineIT {
    /** Greedy, with log-probabilities (the bits of the logits show through them). */
    private static final Generation GREEDY = Generation.builder().greedy().logprobs(5).maxTokens(4096).build();

    private static NemotronModel load(EngineOptions engine) {
        return NemotronModel.load(RepoPaths.model("tiny-a"), ModelOptions.builder().engine(engine).build());
    }

    /** What one greedy request produced: the drawn tokens with their log-probabilities. */
    private record Result(int[] tokens, float[] logprobs, long cached) {}

    private static int[] randomPrompt(Random random, int length) {
        int[] prompt = new int[length];
        for (int i = 0; i < length; i++) {
            prompt[i] = random.nextInt(512);
        }
        return prompt;
    }

    private static Result run(Engine engine, int[] prompt, int newTokens, Generation generation, Duration timeout,
            AtomicBoolean cancelled) {
        int[] tokens = new int[newTokens];
        float[] logprobs = new float[newTokens * 6];  // the drawn token's, then the top 5
        try (EngineSequence s = engine.open(generation.priority(), timeout, cancelled::get)) {
            s.feed(prompt);
            for (int i = 0; i < newTokens; i++) {
                SampledToken t = s.sample(new SamplingStep(generation, 7, i, prompt.length, new int[0]));
                tokens[i] = t.token();
                logprobs[6 * i] = t.logprob();
                for (int k = 0; k < 5; k++) {
                    logprobs[6 * i + 1 + k] = t.top().get(k).logprob();
                }
                s.feed(new int[] {t.token()});
            }
            return new Result(tokens, logprobs, s.cachedTokens());
        }
    }

    private static Result run(Engine engine, int[] prompt, int newTokens) {
        return run(engine, prompt, newTokens, GREEDY, null, new AtomicBoolean());
    }

    @Test
    void aRequestGivesTheSameBitsAloneAndInABatchOfSixteen() throws Exception {
        // Small chunks and step budget, so prompts are chunked and share steps with other requests' decodes.
        EngineOptions options = EngineOptions.builder().prefixCache(false).prefillChunk(16).stepTokens(48).build();
        Random random = new Random(11);
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            prompts.add(randomPrompt(random, 1 + random.nextInt(90)));
        }
        try (NemotronModel model = load(options)) {
            List<Result> alone = new ArrayList<>();
            for (int[] prompt : prompts) {
                alone.add(run(model.engine(), prompt, 24));
            }
            long stepsAlone = model.engine().stats().steps();
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Future<Result>> together = new ArrayList<>();
                for (int[] prompt : prompts) {
                    together.add(pool.submit(() -> run(model.engine(), prompt, 24)));
                }
                for (int i = 0; i < prompts.size(); i++) {
                    Result batched = together.get(i).get(120, TimeUnit.SECONDS);
                    assertArrayEquals(alone.get(i).tokens(), batched.tokens(), "request " + i + ": tokens");
                    assertArrayEquals(alone.get(i).logprobs(), batched.logprobs(), "request " + i + ": logprob bits");
                }
            } finally {
                pool.shutdownNow();
            }
            long stepsTogether = model.engine().stats().steps() - stepsAlone;
            assertTrue(model.engine().stats().largestDecodeBatch() >= 4, "decode tokens were batched: "
                    + model.engine().stats());
            assertTrue(stepsTogether < stepsAlone / 2, "requests shared steps: " + stepsTogether + " steps together, "
                    + stepsAlone + " one by one");
        }
    }

    @Test
    void aSharedPrefixIsNotComputedTwiceEvenWhenShorterThanABlock() {
        try (NemotronModel model = load(EngineOptions.builder().kvBlockTokens(16).build())) {
            Engine engine = model.engine();
            int[] system = randomPrompt(new Random(3), 9);  // shorter than one KV block
            int[] first = concat(system, new int[] {5, 6, 7});
            int[] second = concat(system, new int[] {8, 9});
            try (EngineSequence s = engine.open(0, null, () -> false)) {
                s.feed(system);
                s.markSnapshot();
                s.feed(new int[] {5, 6, 7});
                s.sample(new SamplingStep(GREEDY, 1, 0, first.length, new int[0]));
                assertEquals(0, s.cachedTokens());
            }
            Result reused = run(engine, second, 3);
            assertEquals(system.length, reused.cached(), "resumed from the snapshot at the end of the system part");
            // and the reuse is exact enough to give the same greedy tokens as a cold start
            engine.clearPrefixCache();
            Result cold = run(engine, second, 3);
            assertEquals(0, cold.cached());
            assertArrayEquals(cold.tokens(), reused.tokens());
            // a finished request's whole sequence is kept too: a continuation of it reuses everything
            int[] continued = concat(concat(second, new int[] {cold.tokens()[0], cold.tokens()[1]}), new int[] {1});
            assertEquals(second.length + 2, run(engine, continued, 1).cached());
        }
    }

    @Test
    void aRequestThatCanNeverFitFailsAtOnceAndOneThatCanWaits() {
        // tiny-a: 2 attention layers × 2 KV heads × 24 × 4 bytes × 2 = 768 bytes per token.
        EngineOptions small = EngineOptions.builder().cacheMemory(400_000).stateSlots(4).kvBlockTokens(16).build();
        try (NemotronModel model = load(small)) {
            EngineStats stats = model.engine().stats();
            long capacityTokens = stats.kvBlocks() * 16;
            int[] tooLong = randomPrompt(new Random(1), (int) capacityTokens + 1);
            InvalidRequestException e = assertThrows(InvalidRequestException.class,
                    () -> run(model.engine(), tooLong, 1));
            assertTrue(e.getMessage().contains("give the cache more memory"), e.getMessage());
            assertEquals(0, model.engine().stats().running());
        }
    }

    @Test
    void preemptionFreesRoomAndEveryRequestStillFinishes() throws Exception {
        // Room for about two long sequences' KV: four requests must take turns.
        EngineOptions small = EngineOptions.builder().cacheMemory(250_000).stateSlots(4).kvBlockTokens(16)
                .prefixCache(false).build();
        try (NemotronModel model = load(small)) {
            Engine engine = model.engine();
            long capacityTokens = engine.stats().kvBlocks() * 16;
            // Short prompts: all four are admitted at once; their replies then outgrow the cache together.
            int promptLength = 8;
            int replyLength = (int) (capacityTokens / 2) - promptLength;
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Result>> results = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    int[] prompt = randomPrompt(new Random(100 + i), promptLength);
                    results.add(pool.submit(() -> run(engine, prompt, replyLength)));
                }
                for (Future<Result> r : results) {
                    assertEquals(replyLength, r.get(300, TimeUnit.SECONDS).tokens().length);
                }
            } finally {
                pool.shutdownNow();
            }
            waitFor(() -> engine.stats().running() == 0);  // closed requests are cleaned up by the engine thread
            EngineStats stats = engine.stats();
            assertTrue(stats.preemptions() > 0, "the cache was too small for all four at once");
            assertEquals(stats.kvBlocks(), stats.kvBlocksFree(), "every block is back");
            assertEquals(stats.stateSlots(), stats.stateSlotsFree(), "every slot is back");
        }
    }

    @Test
    void aFullQueueRefusesAndADeadlineStopsARequest() throws Exception {
        EngineOptions options = EngineOptions.builder().stateSlots(1).maxWaiting(1).prefixCache(false).build();
        try (NemotronModel model = load(options)) {
            Engine engine = model.engine();
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                // holds the only slot until cancelled
                Future<?> holder = pool.submit(() -> run(engine, new int[] {1, 2, 3}, 100_000, GREEDY, null, stop));
                waitFor(() -> engine.stats().running() == 1);
                Future<?> queued = pool.submit(() -> run(engine, new int[] {4, 5}, 1, GREEDY, Duration.ofMillis(300),
                        new AtomicBoolean()));
                waitFor(() -> engine.stats().waiting() == 1);
                assertThrows(QueueFullException.class, () -> run(engine, new int[] {6}, 1));
                var timedOut = assertThrows(java.util.concurrent.ExecutionException.class,
                        () -> queued.get(30, TimeUnit.SECONDS));
                assertTrue(timedOut.getCause() instanceof RequestTimeoutException, String.valueOf(timedOut.getCause()));
                stop.set(true);
                var cancelled = assertThrows(java.util.concurrent.ExecutionException.class,
                        () -> holder.get(30, TimeUnit.SECONDS));
                assertTrue(cancelled.getCause() instanceof GenerationCancelledException);
            } finally {
                pool.shutdownNow();
            }
            waitFor(() -> engine.stats().running() == 0 && engine.stats().waiting() == 0);
            assertEquals(1, engine.stats().stateSlotsFree());
        }
    }

    /**
     * 200 requests from 32 clients with random prompt and reply lengths, random cancellations and
     * deadlines, on a cache far too small to hold them all: each one finishes or fails with a clear
     * error, and afterwards every slot and block is back in the pools.
     */
    @Test
    void soakTwoHundredRequestsFromThirtyTwoClientsOnASmallCache() throws Exception {
        EngineOptions small = EngineOptions.builder().cacheMemory(1_500_000).stateSlots(12).kvBlockTokens(16)
                .prefillChunk(32).stepTokens(96).build();
        try (NemotronModel model = load(small)) {
            Engine engine = model.engine();
            ExecutorService clients = Executors.newFixedThreadPool(32);
            List<Future<String>> outcomes = new ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) {
                    int id = i;
                    outcomes.add(clients.submit(() -> soakRequest(engine, new Random(1000 + id))));
                }
                int finished = 0;
                for (Future<String> f : outcomes) {
                    String outcome = f.get(600, TimeUnit.SECONDS);
                    assertTrue(outcome.equals("finished") || outcome.startsWith("failed: "), outcome);
                    if (outcome.equals("finished")) {
                        finished++;
                    }
                }
                assertTrue(finished >= 100, "most requests finish: " + finished);
                System.out.printf("soak: %d of 200 finished, %d failed with a clear error; %s%n", finished,
                        200 - finished, engine.stats());
            } finally {
                clients.shutdownNow();
            }
            waitFor(() -> engine.stats().running() == 0 && engine.stats().waiting() == 0);
            engine.clearPrefixCache();
            EngineStats stats = engine.stats();
            assertEquals(stats.stateSlots(), stats.stateSlotsFree(), "no state slot leaked");
            assertEquals(stats.kvBlocks(), stats.kvBlocksFree(), "no KV block leaked");
            assertEquals(0, model.liveSequences());
        }
    }

    private static String soakRequest(Engine engine, Random random) {
        // some requests share a "system prompt" so the prefix cache is exercised too
        int[] prompt = random.nextInt(3) == 0 ? concat(randomPrompt(new Random(42), 20), randomPrompt(random, 5))
                : randomPrompt(random, 26 + random.nextInt(275));
        int replyTokens = 1 + random.nextInt(60);
        AtomicBoolean cancel = new AtomicBoolean();
        Duration timeout = random.nextInt(10) == 0 ? Duration.ofMillis(50 + random.nextInt(500)) : null;
        int cancelAfter = random.nextInt(8) == 0 ? random.nextInt(replyTokens) : -1;
        try (EngineSequence s = engine.open(random.nextInt(3), timeout, cancel::get)) {
            if (prompt.length == 25) {  // the shared "system prompt": snapshot after it
                s.feed(java.util.Arrays.copyOf(prompt, 20));
                s.markSnapshot();
                s.feed(java.util.Arrays.copyOfRange(prompt, 20, 25));
            } else {
                s.feed(prompt);
            }
            for (int i = 0; i < replyTokens; i++) {
                if (i == cancelAfter) {
                    cancel.set(true);
                    return "finished";  // the client went away: closing the sequence is all it does
                }
                Generation g = Generation.builder().temperature(0.8).topP(0.9).maxTokens(4096).build();
                SampledToken t = s.sample(new SamplingStep(g, random.nextLong(), i, prompt.length, new int[0]));
                s.feed(new int[] {t.token()});
            }
            return "finished";
        } catch (RequestTimeoutException | GenerationCancelledException | InvalidRequestException e) {
            return "failed: " + e.getMessage();
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 600 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), "condition not reached in 6 s");
    }
}
