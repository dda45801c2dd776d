package dev.nemotron4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The low-level sequence API on tiny-a: continuation, forks, validation, lifecycle. */
class SequenceIT {
    private static NemotronModel model;

    @BeforeAll
    static void load() {
        model = NemotronModel.load(RepoPaths.model("tiny-a"), ModelOptions.builder().threads(2).build());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static int[] randomTokens(long seed, int n) {
        return new Random(seed).ints(n, 3, model.config().vocabSize()).toArray();
    }

    private static double relErr(float[] a, float[] b) {
        double d = 0;
        double n = 0;
        for (int i = 0; i < a.length; i++) {
            d += (a[i] - b[i]) * (double) (a[i] - b[i]);
            n += b[i] * (double) b[i];
        }
        return Math.sqrt(d / n);
    }

    @Test
    void piecesContinueTheStateExactlyAsOnePiece() {
        int[] tokens = randomTokens(1, 61);  // crosses chunk_size 16 several times, ends mid-chunk
        float[] whole;
        try (Sequence s = model.newSequence()) {
            whole = s.feed(tokens);
        }
        for (int[] split : new int[][] {{1, 60}, {16, 45}, {17, 44}, {30, 1, 30}}) {
            try (Sequence s = model.newSequence()) {
                float[] last = null;
                int at = 0;
                for (int n : split) {
                    last = s.feed(Arrays.copyOfRange(tokens, at, at + n));
                    at += n;
                }
                assertEquals(tokens.length, s.length());
                // float32 with different chunk boundaries: equal to rounding, not bit for bit
                assertTrue(relErr(last, whole) < 1e-5, Arrays.toString(split) + " rel err " + relErr(last, whole));
            }
        }
    }

    @Test
    void aForkContinuesIndependently() {
        try (Sequence a = model.newSequence()) {
            a.feed(randomTokens(2, 20));
            try (Sequence b = a.fork()) {
                float[] fromA = a.feed(5, 6, 7);
                float[] fromB = b.feed(5, 6, 7);
                assertArrayEquals(fromA, fromB);
                assertTrue(relErr(a.feed(9), b.feed(10)) > 1e-3, "different tokens, different logits");
            }
        }
    }

    @Test
    void decodeGreedyFollowsArgmax() {
        int[] prompt = randomTokens(3, 12);
        try (Sequence s = model.newSequence(); Sequence check = model.newSequence()) {
            s.feed(prompt);
            int[] generated = s.decodeGreedy(5);
            float[] logits = check.feed(prompt);
            for (int token : generated) {
                assertEquals(Sequence.argmax(logits), token);
                logits = check.feed(token);
            }
            assertEquals(17, s.length());
        }
    }

    @Test
    void bfloat16StateStaysCloseToFloat32() {
        int[] tokens = randomTokens(4, 40);
        try (NemotronModel bf16 = NemotronModel.load(RepoPaths.model("tiny-a"),
                ModelOptions.builder().ssmStateDtype(SsmStateDtype.BFLOAT16).build());
                Sequence a = model.newSequence();
                Sequence b = bf16.newSequence()) {
            float[] x = a.feed(tokens);
            float[] y = b.feed(tokens);
            for (int i = 0; i < 8; i++) {
                x = a.feed(i + 3);
                y = b.feed(i + 3);
            }
            double err = relErr(y, x);
            assertTrue(err < 2e-2 && err > 0, "bf16 state rel err " + err);  // rounded, but only slightly
        }
    }

    @Test
    void badTokensAreRejectedBeforeTheNativeCall() {
        try (Sequence s = model.newSequence()) {
            var e = assertThrows(InvalidRequestException.class, () -> s.feed(1, model.config().vocabSize()));
            assertTrue(e.getMessage().contains("position 1"), e.getMessage());
            assertThrows(InvalidRequestException.class, () -> s.feed(-1));
            assertThrows(InvalidRequestException.class, () -> s.feed());
            assertEquals(0, s.length(), "nothing was fed");
            assertThrows(IllegalStateException.class, () -> s.decodeGreedy(1));
        }
    }

    @Test
    void theContextLengthIsEnforced() {
        try (Sequence s = model.newSequence()) {
            int[] tooMany = new int[model.config().maxPositionEmbeddings() + 1];
            Arrays.fill(tooMany, 5);
            assertThrows(ContextLengthExceededException.class, () -> s.feed(tooMany));
        }
    }

    @Test
    void closingTheModelClosesItsSequences() {
        NemotronModel own = NemotronModel.load(RepoPaths.model("tiny-a"));
        Sequence s = own.newSequence();
        s.feed(1, 2, 3);
        own.close();
        assertThrows(IllegalStateException.class, () -> s.feed(4));
        s.close();  // idempotent
        assertThrows(IllegalStateException.class, own::newSequence);
    }
}
