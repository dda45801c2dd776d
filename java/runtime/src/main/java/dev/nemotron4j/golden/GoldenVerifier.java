package dev.nemotron4j.golden;

import dev.nemotron4j.NemotronModel;
import dev.nemotron4j.Sequence;
import dev.nemotron4j.nativeapi.NativeUnsupportedException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Checks a loaded model against a golden file: every prefill case in one piece and in pieces of
 * {@value #PIECE} tokens (the state must carry exactly across feeds), and the greedy case as a prefill
 * of its prompt followed by single-token decode steps, each step's logits compared too. How close is close
 * enough depends on the device ({@link Criterion}); where the core cannot trace the residual stream (the CUDA
 * backend) the per-block comparison is skipped and the report says why.
 */
public final class GoldenVerifier {
    /** On the CPU ({@link Criterion#CPU}): float32 compute against a float64 reference, 1e-4 the agreed bound. */
    public static final double TOLERANCE = 1e-4;
    static final int PIECE = 7;

    private final NemotronModel model;
    private final GoldenFile golden;
    private final Criterion criterion;

    /** Checks by the criterion of the device the model runs on ({@link Criterion#of}). */
    public GoldenVerifier(NemotronModel model, GoldenFile golden) {
        this(model, golden, Criterion.of(model.device(), model.gpuActivations()));
    }

    /** Checks by {@code criterion} whatever the device (tests hold the CPU to the CUDA criteria with it). */
    public GoldenVerifier(NemotronModel model, GoldenFile golden, Criterion criterion) {
        this.model = model;
        this.golden = golden;
        this.criterion = criterion;
    }

    public Criterion criterion() {
        return criterion;
    }

    /** Runs every case, reporting each result to {@code progress} as it completes. */
    public VerifyReport run(Consumer<VerifyReport.CaseResult> progress) {
        List<VerifyReport.CaseResult> results = new ArrayList<>();
        List<VerifyReport.HiddenStateResult> hidden = new ArrayList<>();
        String hiddenSkipped = "";
        int greedyMatch = 0;
        int greedyTotal = 0;
        for (GoldenFile.Case c : golden.cases()) {
            if (c.kind().equals("prefill")) {
                int[] ids = golden.ids(c.name() + ".input_ids");
                float[] expected = golden.floats(c.name() + ".logits");
                add(results, progress, new VerifyReport.CaseResult(c.name(), ids.length,
                        error(prefill(ids, ids.length), expected)));
                add(results, progress, new VerifyReport.CaseResult(c.name() + " in pieces of " + PIECE, ids.length,
                        error(prefill(ids, PIECE), expected)));
                if (golden.has(c.name() + ".hidden_states") && hiddenSkipped.isEmpty()) {
                    try {
                        hidden.addAll(hiddenStates(c.name(), ids));
                    } catch (NativeUnsupportedException e) {
                        hiddenSkipped = e.getMessage();  // the CUDA backend: traces run on the CPU only
                    }
                }
            } else if (c.kind().equals("greedy")) {
                int[] prompt = golden.ids(c.name() + ".input_ids");
                int[] expectedTokens = golden.ids(c.name() + ".output_ids");
                GreedyRun run = greedy(prompt, expectedTokens.length);
                greedyTotal += expectedTokens.length;
                int firstDiffers = expectedTokens.length;
                for (int i = expectedTokens.length - 1; i >= 0; i--) {
                    if (run.tokens[i] == expectedTokens[i]) {
                        greedyMatch++;
                    } else {
                        firstDiffers = i;
                    }
                }
                add(results, progress, greedyResult(c.name(), prompt.length, expectedTokens.length, firstDiffers,
                        run.logits, golden.floats(c.name() + ".logits")));
            }
        }
        double max = results.stream().mapToDouble(VerifyReport.CaseResult::relErr).max().orElse(Double.NaN);
        boolean pass = !results.isEmpty() && results.stream().allMatch(r -> criterion.within(r.relErr()))
                && (greedyMatch == greedyTotal || !criterion.tokensMustMatch());
        String name = model.directory().toAbsolutePath().normalize().getFileName().toString();
        return new VerifyReport(name, results, greedyMatch, greedyTotal, max, criterion, pass, hidden, hiddenSkipped);
    }

    /**
     * The greedy case's logits against the golden's: every row where the tokens must match, else the rows up to the
     * first differing token (past it our context is not the golden's).
     */
    private VerifyReport.CaseResult greedyResult(String caseName, int promptLength, int steps, int firstDiffers,
            float[] logits, float[] expected) {
        String name = caseName + " (prefill " + promptLength + " + " + steps + " decode steps";
        if (criterion.tokensMustMatch() || firstDiffers == steps) {
            return new VerifyReport.CaseResult(name + ")", promptLength + steps, error(logits, expected));
        }
        int rows = promptLength + firstDiffers;
        long values = (long) rows * model.config().vocabSize();
        if (expected.length != logits.length || values > logits.length) {
            throw new IllegalArgumentException("logits have " + logits.length + " values, the golden " + expected.length);
        }
        return new VerifyReport.CaseResult(name + ", logits up to step " + firstDiffers + " where the tokens differ)",
                rows, error(Arrays.copyOf(logits, (int) values), Arrays.copyOf(expected, (int) values)));
    }

    private double error(float[] out, float[] ref) {
        return criterion.metric().error(out, ref);
    }

    /** Each residual-stream entry of one prompt against the golden's, named by the block that wrote it. */
    private List<VerifyReport.HiddenStateResult> hiddenStates(String caseName, int[] ids) {
        float[] expected = golden.floats(caseName + ".hidden_states");
        var layers = model.config().layers();
        List<VerifyReport.HiddenStateResult> out = new ArrayList<>();
        try (Sequence seq = model.newSequence()) {
            float[][] got = seq.feedHiddenStates(ids);
            int entry = got[0].length;
            if (expected.length != got.length * entry) {
                throw new IllegalArgumentException(caseName + ".hidden_states has " + expected.length
                        + " values; the model produces " + got.length * entry);
            }
            for (int i = 0; i < got.length; i++) {
                String label = i == 0 ? "embedding" : i == got.length - 1 ? "norm_f"
                        : "layer " + (i - 1) + " " + layers.get(i - 1).blockType();
                float[] ref = Arrays.copyOfRange(expected, i * entry, (i + 1) * entry);
                out.add(new VerifyReport.HiddenStateResult(caseName, i, label, error(got[i], ref)));
            }
        }
        return out;
    }

    private static void add(List<VerifyReport.CaseResult> results, Consumer<VerifyReport.CaseResult> progress,
            VerifyReport.CaseResult r) {
        results.add(r);
        progress.accept(r);
    }

    /** Every position's logits, flattened, feeding the prompt in pieces of at most {@code piece} tokens. */
    private float[] prefill(int[] ids, int piece) {
        int vocab = model.config().vocabSize();
        float[] out = new float[ids.length * vocab];
        try (Sequence seq = model.newSequence()) {
            for (int start = 0; start < ids.length; start += piece) {
                float[][] rows = seq.feedAll(Arrays.copyOfRange(ids, start, Math.min(ids.length, start + piece)));
                for (int i = 0; i < rows.length; i++) {
                    System.arraycopy(rows[i], 0, out, (start + i) * vocab, vocab);
                }
            }
        }
        return out;
    }

    private record GreedyRun(int[] tokens, float[] logits) {}

    /** Prompt prefill, then {@code steps} single-token decode steps on our own greedy choices. */
    private GreedyRun greedy(int[] prompt, int steps) {
        int vocab = model.config().vocabSize();
        float[] logits = new float[(prompt.length + steps) * vocab];
        int[] tokens = new int[steps];
        try (Sequence seq = model.newSequence()) {
            float[][] rows = seq.feedAll(prompt);
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(rows[i], 0, logits, i * vocab, vocab);
            }
            float[] last = rows[rows.length - 1];
            for (int step = 0; step < steps; step++) {
                tokens[step] = Sequence.argmax(last);
                last = seq.feed(tokens[step]);
                System.arraycopy(last, 0, logits, (prompt.length + step) * vocab, vocab);
            }
        }
        return new GreedyRun(tokens, logits);
    }

    /** max |out − ref| / max |ref| in double (a NaN difference counts as infinite); lengths must agree. */
    static double maxRelativeError(float[] out, float[] ref) {
        if (out.length != ref.length) {
            throw new IllegalArgumentException("logits have " + out.length + " values, the golden " + ref.length);
        }
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < ref.length; i++) {
            double d = Math.abs((double) out[i] - ref[i]);
            diff = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(diff, d);
            scale = Math.max(scale, Math.abs((double) ref[i]));
        }
        return diff / scale;
    }

    /** ‖out − ref‖ / ‖ref‖ in double; lengths must agree. */
    static double relativeError(float[] out, float[] ref) {
        if (out.length != ref.length) {
            throw new IllegalArgumentException("logits have " + out.length + " values, the golden " + ref.length);
        }
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < ref.length; i++) {
            double d = (double) out[i] - ref[i];
            diff += d * d;
            norm += (double) ref[i] * ref[i];
        }
        return Math.sqrt(diff) / Math.sqrt(norm);
    }
}
