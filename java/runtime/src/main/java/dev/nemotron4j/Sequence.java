package dev.nemotron4j;

import dev.nemotron4j.config.NemotronConfig;
import dev.nemotron4j.nativeapi.NativeSequence;

/**
 * The low-level sequence API: one token stream and its model state (Mamba conv/SSM state, attention
 * K/V). Feed tokens, read logits, decode greedily. A prompt fed in several pieces gives the same
 * logits as one piece. Owns native memory: {@link #close()} it (closing the model closes it too).
 * Calls on one sequence are serialized; different sequences may be used from different threads.
 */
public final class Sequence implements AutoCloseable {
    private final NativeSequence nativeSequence;
    private final int vocabSize;
    private final int contextLength;
    private final int layerCount;
    private final int hiddenSize;
    private float[] lastLogits;

    Sequence(NativeSequence nativeSequence, NemotronConfig config) {
        this.nativeSequence = nativeSequence;
        this.vocabSize = config.vocabSize();
        this.contextLength = config.maxPositionEmbeddings();
        this.layerCount = config.numHiddenLayers();
        this.hiddenSize = config.hiddenSize();
    }

    /** Tokens in the sequence so far. */
    public long length() {
        return nativeSequence.length();
    }

    /** Appends tokens and returns the logits [vocab] that predict the token after the last of them. */
    public synchronized float[] feed(int... tokens) {
        validate(tokens);
        lastLogits = nativeSequence.feed(tokens, 1);
        return lastLogits.clone();
    }

    /** Appends tokens and returns every one of their logits: row i predicts the token after tokens[i]. */
    public synchronized float[][] feedAll(int... tokens) {
        validate(tokens);
        if ((long) tokens.length * vocabSize > Integer.MAX_VALUE - 8) {
            throw new InvalidRequestException("feedAll of " + tokens.length + " tokens would return "
                    + (long) tokens.length * vocabSize + " logits, more than one Java array holds; feed in pieces");
        }
        float[] flat = nativeSequence.feed(tokens, tokens.length);
        float[][] rows = new float[tokens.length][];
        for (int i = 0; i < tokens.length; i++) {
            rows[i] = java.util.Arrays.copyOfRange(flat, i * vocabSize, (i + 1) * vocabSize);
        }
        lastLogits = rows[tokens.length - 1];
        return rows;
    }

    /**
     * Diagnostics: appends tokens and returns the residual stream, one row per entry
     * [layers + 1][tokens × hidden]: the embedding output, the residual after each block, and last the
     * final norm's output. Compared with a reference's hidden states it shows the first layer that
     * diverges. Does not update {@link #lastLogits()}.
     */
    public synchronized float[][] feedHiddenStates(int... tokens) {
        validate(tokens);
        int layers = layerCount;
        float[] flat = nativeSequence.feedTraced(tokens, layers, hiddenSize);
        int entry = tokens.length * hiddenSize;
        float[][] rows = new float[layers + 1][];
        for (int i = 0; i <= layers; i++) {
            rows[i] = java.util.Arrays.copyOfRange(flat, i * entry, (i + 1) * entry);
        }
        lastLogits = null;
        return rows;
    }

    /**
     * Greedy decoding: picks the most likely next token, feeds it, and repeats {@code count} times.
     * Returns the chosen tokens; they are part of the sequence afterwards.
     *
     * @throws IllegalStateException when nothing has been fed yet (there are no logits to start from)
     */
    public synchronized int[] decodeGreedy(int count) {
        if (lastLogits == null) {
            throw new IllegalStateException("feed a prompt before decoding");
        }
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = argmax(lastLogits);
            feed(out[i]);
        }
        return out;
    }

    /** The logits after the last fed token, or null before the first feed. */
    public synchronized float[] lastLogits() {
        return lastLogits == null ? null : lastLogits.clone();
    }

    /** An independent copy: both sequences continue from the current state separately. */
    public synchronized Sequence fork() {
        Sequence copy = new Sequence(nativeSequence.fork(), this);
        copy.lastLogits = lastLogits;
        return copy;
    }

    private Sequence(NativeSequence nativeSequence, Sequence shapeOf) {
        this.nativeSequence = nativeSequence;
        this.vocabSize = shapeOf.vocabSize;
        this.contextLength = shapeOf.contextLength;
        this.layerCount = shapeOf.layerCount;
        this.hiddenSize = shapeOf.hiddenSize;
    }

    /** Index of the largest logit (the lowest index on ties, like numpy's argmax). */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    private void validate(int[] tokens) {
        if (tokens == null || tokens.length == 0) {
            throw new InvalidRequestException("no tokens to feed");
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocabSize) {
                throw new InvalidRequestException("token id " + tokens[i] + " at position " + i
                        + " is outside the vocabulary [0, " + vocabSize + ")");
            }
        }
        long after = length() + tokens.length;
        if (after > contextLength) {
            throw new ContextLengthExceededException("the sequence would hold " + after + " tokens; the model's "
                    + "context length is " + contextLength + " (max_position_embeddings)");
        }
    }

    @Override
    public void close() {
        nativeSequence.close();
    }
}
