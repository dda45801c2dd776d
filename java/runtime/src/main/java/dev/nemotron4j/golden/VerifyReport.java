package dev.nemotron4j.golden;

import java.util.List;

/**
 * The outcome of checking a model against a golden file.
 *
 * @param model       the model folder's name
 * @param cases       every compared case with its relative error ‖out − ref‖ / ‖ref‖ of the logits
 * @param greedyMatch greedy tokens equal to the golden's, position by position
 * @param greedyTotal greedy tokens in the golden
 * @param maxRelErr   the largest relative error of any case
 * @param tolerance   the largest relative error that passes
 * @param pass        every case within tolerance and every greedy token equal
 * @param hiddenStates per-entry errors of the residual stream for the cases whose golden has
 *                    {@code hidden_states} (diagnostics: they locate the first diverging layer; not part
 *                    of {@code pass})
 */
public record VerifyReport(String model, List<CaseResult> cases, int greedyMatch, int greedyTotal, double maxRelErr,
        double tolerance, boolean pass, List<HiddenStateResult> hiddenStates) {
    /** One compared case. */
    public record CaseResult(String name, int tokens, double relErr) {}

    /**
     * One entry of a case's residual stream: entry 0 is the embedding output, entry i the residual after
     * block i − 1, the last entry the final norm's output.
     */
    public record HiddenStateResult(String caseName, int entry, String label, double relErr) {}

    public VerifyReport {
        cases = List.copyOf(cases);
        hiddenStates = List.copyOf(hiddenStates);
    }
}
