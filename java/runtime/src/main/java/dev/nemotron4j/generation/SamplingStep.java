package dev.nemotron4j.generation;

import dev.nemotron4j.Generation;

/**
 * What one sampling call needs besides the logits: the reply's parameters, which draw this is (the
 * random number is a pure function of seed and step, so a reply replays exactly), where the reply's
 * output starts in the sequence (penalties read the tokens after it), and the ids to suppress now
 * (end-of-turn and stop ids before {@code minTokens}, end-of-turn ids under {@code ignoreEos}).
 */
public record SamplingStep(Generation generation, long seed, long step, long outputStart, int[] suppressedIds) {
    public SamplingStep {
        suppressedIds = suppressedIds.clone();
    }

    @Override
    public int[] suppressedIds() {
        return suppressedIds.clone();
    }
}
