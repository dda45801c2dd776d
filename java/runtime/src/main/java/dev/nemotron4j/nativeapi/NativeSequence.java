package dev.nemotron4j.nativeapi;

import dev.nemotron4j.generation.DecodeTarget;
import dev.nemotron4j.generation.SampledToken;
import dev.nemotron4j.generation.SamplingStep;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;

/**
 * One sequence's state in the native core (Mamba conv/SSM state, attention K/V). Owns native memory:
 * {@link #close()} it. Not thread-safe for concurrent feeds; calls are serialized on this object.
 */
public final class NativeSequence implements AutoCloseable, DecodeTarget {
    private final NemotronNative.NtSequence handle;
    private final NativeModel model;
    private final int vocabSize;
    private boolean closed;

    NativeSequence(NemotronNative.NtSequence handle, NativeModel model) {
        this.handle = handle;
        this.model = model;
        this.vocabSize = model.vocabSize();
    }

    /** Tokens processed so far. */
    @Override
    public synchronized long length() {
        return NemotronNative.nt_sequence_length(live());
    }

    /**
     * Feeds tokens and returns the logits of the last {@code logitRows} of them (0, 1 or tokens.length)
     * as one flat array [logitRows × vocab].
     */
    public synchronized float[] feed(int[] tokens, int logitRows) {
        float[] logits = new float[Math.multiplyExact(logitRows, vocabSize)];
        try (var error = new NemotronNative.NtError();
                var in = new IntPointer(tokens);
                var out = new FloatPointer(Math.max(1, logits.length))) {
            int status = NemotronNative.nt_sequence_feed(live(), in, tokens.length, out, logitRows, logits.length, error);
            NativeErrors.check(status, error, "feeding " + tokens.length + " tokens");
            model.countFeed(tokens.length);
            out.get(logits);
        }
        return logits;
    }

    /**
     * Feeds tokens and returns the residual stream, flat [layers + 1, tokens, hidden]: the embedding
     * output, the residual after each block, and last the norm_f output (the goldens' layout).
     */
    public synchronized float[] feedTraced(int[] tokens, int layers, int hiddenSize) {
        long floats = Math.multiplyExact(Math.multiplyExact((long) layers + 1, tokens.length), hiddenSize);
        float[] hidden = new float[Math.toIntExact(floats)];
        try (var error = new NemotronNative.NtError();
                var in = new IntPointer(tokens);
                var out = new FloatPointer(hidden.length)) {
            int status = NemotronNative.nt_sequence_feed_traced(live(), in, tokens.length, null, 0, 0, out,
                    hidden.length, error);
            NativeErrors.check(status, error, "feeding " + tokens.length + " tokens (traced)");
            model.countFeed(tokens.length);
            out.get(hidden);
        }
        return hidden;
    }

    /** {@link DecodeTarget#feed}: appends tokens, keeping only the last logits (in native memory). */
    @Override
    public void feed(int[] tokens) {
        feed(tokens, 0);
    }

    @Override
    public synchronized SampledToken sample(SamplingStep step) {
        try (var error = new NemotronNative.NtError();
                var params = new NemotronNative.NtSampling();
                var result = new NemotronNative.NtSampleResult();
                var scope = new NativeSamplingParams()) {
            scope.fill(params, step);
            NativeErrors.check(NemotronNative.nt_sequence_sample(live(), params, result, error), error, "sampling");
            model.countSample();
            return NativeSamplingParams.read(result, step);
        }
    }

    /** An independent copy of this sequence's state. */
    public synchronized NativeSequence fork() {
        try (var error = new NemotronNative.NtError()) {
            var copy = new NemotronNative.NtSequence();
            NativeErrors.check(NemotronNative.nt_sequence_fork(live(), copy, error), error, "forking a sequence");
            var forked = new NativeSequence(copy, model);
            model.adopt(forked);
            return forked;
        }
    }

    NativeModel model() {
        return model;
    }

    NemotronNative.NtSequence live() {
        if (closed) {
            throw new IllegalStateException("the sequence is closed");
        }
        return handle;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            NemotronNative.nt_sequence_free(handle);
            model.forget(this);
        }
    }
}
