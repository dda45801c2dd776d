package dev.nemotron4j.nativeapi;

import dev.nemotron4j.generation.SampledToken;
import dev.nemotron4j.generation.SamplingStep;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Batched steps on one model's sequences: one forward pass over several sequences' tokens (every
 * weight read once per step), and their draws in parallel. The engine's scheduler is the caller; it
 * owns the sequences it passes and never passes one twice in a step.
 */
public final class NativeBatch {
    /** One sequence's tokens in a step; {@code wantLogits} keeps the last token's logits for a draw. */
    public record Feed(NativeSequence sequence, int[] tokens, boolean wantLogits) {
        public Feed {
            tokens = tokens.clone();
        }
    }

    private NativeBatch() {}

    /**
     * Runs the feeds in one pass. Throws {@link dev.nemotron4j.CacheFullException} without changing any
     * sequence when their KV blocks cannot all be reserved.
     */
    public static void feed(NativeModel model, List<Feed> feeds) {
        if (feeds.isEmpty()) {
            return;
        }
        List<IntPointer> tokens = new ArrayList<>();
        try (var error = new NemotronNative.NtError(); var entries = new NemotronNative.NtBatchEntry(feeds.size())) {
            int total = 0;
            for (int i = 0; i < feeds.size(); i++) {
                Feed f = feeds.get(i);
                checkOwner(model, f.sequence());
                IntPointer p = new IntPointer(f.tokens());
                tokens.add(p);
                entries.position(i).sequence(f.sequence().live()).tokens(p).n_tokens(f.tokens().length)
                        .want_logits(f.wantLogits() ? 1 : 0);
                total += f.tokens().length;
            }
            entries.position(0);
            int status = NemotronNative.nt_model_feed_batch(model.live(), entries, feeds.size(), error);
            NativeErrors.check(status, error, "a batched step of " + feeds.size() + " sequences, " + total + " tokens");
            for (Feed f : feeds) {
                model.countFeed(f.tokens().length);
            }
        } finally {
            tokens.forEach(IntPointer::close);
        }
    }

    /** Draws one token for each sequence (after its last fed token), in parallel; results in order. */
    public static List<SampledToken> sample(NativeModel model, List<NativeSequence> sequences, List<SamplingStep> steps) {
        if (sequences.size() != steps.size()) {
            throw new IllegalArgumentException("one sampling step per sequence");
        }
        int n = sequences.size();
        if (n == 0) {
            return List.of();
        }
        try (var error = new NemotronNative.NtError();
                var handles = new PointerPointer<NemotronNative.NtSequence>(n);
                var params = new NemotronNative.NtSampling(n);
                var results = new NemotronNative.NtSampleResult(n);
                var scope = new NativeSamplingParams()) {
            for (int i = 0; i < n; i++) {
                checkOwner(model, sequences.get(i));
                handles.put(i, sequences.get(i).live());
                scope.fill(params.position(i), steps.get(i));
            }
            params.position(0);
            int status = NemotronNative.nt_model_sample_batch(model.live(), handles, params, n, results, error);
            NativeErrors.check(status, error, "sampling " + n + " sequences");
            List<SampledToken> drawn = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                drawn.add(NativeSamplingParams.read(results.position(i), steps.get(i)));
                model.countSample();
            }
            results.position(0);
            return drawn;
        }
    }

    private static void checkOwner(NativeModel model, NativeSequence sequence) {
        if (sequence.model() != model) {
            throw new IllegalArgumentException("a sequence of another model");
        }
    }
}
