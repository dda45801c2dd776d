package dev.nemotron4j.golden;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of checking a model against a golden file.
 *
 * @param model       the model folder's name
 * @param cases       every compared case with the error of its logits by the criterion's measure
 *                    (‖out − ref‖ / ‖ref‖ on the CPU, max |out − ref| / max |ref| on CUDA)
 * @param greedyMatch greedy tokens equal to the golden's, position by position
 * @param greedyTotal greedy tokens in the golden
 * @param maxRelErr   the largest error of any case
 * @param criterion   how the cases were compared: the error measure, its bound, whether greedy tokens must match
 * @param pass        every case within the criterion's tolerance and, where it requires it, every greedy token
 *                    equal
 * @param hiddenStates per-entry errors of the residual stream for the cases whose golden has
 *                    {@code hidden_states} (diagnostics: they locate the first diverging layer; not part
 *                    of {@code pass})
 * @param hiddenStatesSkipped why the residual stream was not compared although the golden has it (the native
 *                    core's message: the CUDA backend does not trace hidden states), or empty
 */
public record VerifyReport(String model, List<CaseResult> cases, int greedyMatch, int greedyTotal, double maxRelErr,
        Criterion criterion, boolean pass, List<HiddenStateResult> hiddenStates, String hiddenStatesSkipped) {
    /** One compared case: its error by the criterion's measure over {@code tokens} rows of logits. */
    public record CaseResult(String name, int tokens, double relErr) {}

    /**
     * One entry of a case's residual stream: entry 0 is the embedding output, entry i the residual after
     * block i − 1, the last entry the final norm's output.
     */
    public record HiddenStateResult(String caseName, int entry, String label, double relErr) {}

    public VerifyReport {
        Objects.requireNonNull(criterion, "criterion");
        Objects.requireNonNull(hiddenStatesSkipped, "hiddenStatesSkipped");
        cases = List.copyOf(cases);
        hiddenStates = List.copyOf(hiddenStates);
    }

    /** The largest error of a case that passes ({@link Criterion#tolerance()}). */
    public double tolerance() {
        return criterion.tolerance();
    }
}
