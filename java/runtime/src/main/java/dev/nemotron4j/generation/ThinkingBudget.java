package dev.nemotron4j.generation;

import dev.nemotron4j.BudgetMode;
import dev.nemotron4j.Generation;

/**
 * When a thinking budget ends the reasoning. STRICT: as soon as {@code budget} reasoning tokens were
 * generated. NEWLINE (NVIDIA's recipe): after the budget, at the first generated token whose text holds
 * a newline, or at budget + {@link Generation#NEWLINE_GRACE_TOKENS} at the latest.
 */
final class ThinkingBudget {
    private final Integer budget;
    private final BudgetMode mode;

    ThinkingBudget(Generation generation) {
        this.budget = generation.thinkingBudget();
        this.mode = generation.budgetMode();
    }

    /** Whether to cut before anything is generated (a budget of 0). */
    boolean cutsAtStart() {
        return budget != null && budget == 0;
    }

    /**
     * Whether to cut now, after a generated reasoning token.
     *
     * @param reasoningTokens reasoning tokens generated so far (this one included)
     * @param tokenText       the text of the token just generated
     */
    boolean cutsAfter(int reasoningTokens, String tokenText) {
        if (budget == null || reasoningTokens < budget) {
            return false;
        }
        return switch (mode) {
            case STRICT -> true;
            case NEWLINE -> tokenText.indexOf('\n') >= 0 || reasoningTokens >= budget + Generation.NEWLINE_GRACE_TOKENS;
        };
    }
}
