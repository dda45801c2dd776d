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
 */
public record VerifyReport(String model, List<CaseResult> cases, int greedyMatch, int greedyTotal, double maxRelErr,
        double tolerance, boolean pass) {
    /** One compared case. */
    public record CaseResult(String name, int tokens, double relErr) {}

    public VerifyReport {
        cases = List.copyOf(cases);
    }
}
