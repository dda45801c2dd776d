package dev.nemotron4j.golden;

import dev.nemotron4j.NemotronModel;
import dev.nemotron4j.Sequence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Checks a loaded model against a golden file: every prefill case in one piece and in pieces of
 * {@value #PIECE} tokens (the state must carry exactly across feeds), and the greedy case as a prefill
 * of its prompt followed by single-token decode steps, each step's logits compared too.
 */
public final class GoldenVerifier {
    /** float32 compute against a float64 reference: about 1e-6 is typical; 1e-4 is the agreed bound. */
    public static final double TOLERANCE = 1e-4;
    static final int PIECE = 7;

    private final NemotronModel model;
    private final GoldenFile golden;

    public GoldenVerifier(NemotronModel model, GoldenFile golden) {
        this.model = model;
        this.golden = golden;
    }

    /** Runs every case, reporting each result to {@code progress} as it completes. */
    public VerifyReport run(Consumer<VerifyReport.CaseResult> progress) {
        List<VerifyReport.CaseResult> results = new ArrayList<>();
        List<VerifyReport.HiddenStateResult> hidden = new ArrayList<>();
        int greedyMatch = 0;
        int greedyTotal = 0;
        for (GoldenFile.Case c : golden.cases()) {
            if (c.kind().equals("prefill")) {
                int[] ids = golden.ids(c.name() + ".input_ids");
                float[] expected = golden.floats(c.name() + ".logits");
                add(results, progress, new VerifyReport.CaseResult(c.name(), ids.length,
                        relativeError(prefill(ids, ids.length), expected)));
                add(results, progress, new VerifyReport.CaseResult(c.name() + " in pieces of " + PIECE, ids.length,
                        relativeError(prefill(ids, PIECE), expected)));
                if (golden.has(c.name() + ".hidden_states")) {
                    hidden.addAll(hiddenStates(c.name(), ids));
                }
            } else if (c.kind().equals("greedy")) {
                int[] prompt = golden.ids(c.name() + ".input_ids");
                int[] expectedTokens = golden.ids(c.name() + ".output_ids");
                GreedyRun run = greedy(prompt, expectedTokens.length);
                greedyTotal += expectedTokens.length;
                for (int i = 0; i < expectedTokens.length; i++) {
                    greedyMatch += run.tokens[i] == expectedTokens[i] ? 1 : 0;
                }
                add(results, progress, new VerifyReport.CaseResult(c.name() + " (prefill " + prompt.length + " + "
                        + expectedTokens.length + " decode steps)", prompt.length + expectedTokens.length,
                        relativeError(run.logits, golden.floats(c.name() + ".logits"))));
            }
        }
        double max = results.stream().mapToDouble(VerifyReport.CaseResult::relErr).max().orElse(Double.NaN);
        boolean pass = !results.isEmpty() && results.stream().allMatch(r -> r.relErr() <= TOLERANCE)
                && greedyMatch == greedyTotal;
        String name = model.directory().toAbsolutePath().normalize().getFileName().toString();
        return new VerifyReport(name, results, greedyMatch, greedyTotal, max, TOLERANCE, pass, hidden);
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
                out.add(new VerifyReport.HiddenStateResult(caseName, i, label, relativeError(got[i], ref)));
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
