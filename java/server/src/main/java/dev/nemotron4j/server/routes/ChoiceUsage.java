package dev.nemotron4j.server.routes;

import dev.nemotron4j.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * One request's {@code usage} when it ran several choices, as vLLM counts it: each prompt's tokens once
 * (its n samples share the prompt), the completion (and reasoning) tokens of every choice summed. Cached
 * tokens are each prompt's smallest count over its choices: the part of the prompt that no sample had to
 * prefill, so never more than the prompt tokens billed (vLLM reports one arbitrary child's count).
 */
final class ChoiceUsage {
    private ChoiceUsage() {}

    /** The usage of one prompt's choices (at least one). */
    static Usage ofPrompt(List<Usage> choices) {
        Usage first = choices.get(0);
        int completion = 0;
        int reasoning = 0;
        int forced = 0;
        int cached = first.cachedTokens();
        for (Usage u : choices) {
            completion += u.completionTokens();
            reasoning += u.reasoningTokens();
            forced += u.forcedTokens();
            cached = Math.min(cached, u.cachedTokens());
        }
        return new Usage(first.promptTokens(), completion, reasoning, cached, forced);
    }

    /** The usage of several prompts: everything summed. */
    static Usage sum(List<Usage> prompts) {
        int prompt = 0;
        int completion = 0;
        int reasoning = 0;
        int cached = 0;
        int forced = 0;
        for (Usage u : prompts) {
            prompt += u.promptTokens();
            completion += u.completionTokens();
            reasoning += u.reasoningTokens();
            cached += u.cachedTokens();
            forced += u.forcedTokens();
        }
        return new Usage(prompt, completion, reasoning, cached, forced);
    }

    /**
     * The request's usage from every choice's, in vLLM's order: {@code choices.get(p * n + j)} is prompt
     * {@code p}'s sample {@code j}.
     */
    static Usage of(List<Usage> choices, int n) {
        List<Usage> perPrompt = new ArrayList<>();
        for (int start = 0; start < choices.size(); start += n) {
            perPrompt.add(ofPrompt(choices.subList(start, start + n)));
        }
        return sum(perPrompt);
    }
}
