package dev.nemotron4j.server.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nemotron4j.Usage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** vLLM's usage for several choices: each prompt once, every choice's completion. */
class ChoiceUsageTest {
    @Test
    void aPromptCountsOnceAndItsChoicesCompletionsAddUp() {
        Usage usage = ChoiceUsage.ofPrompt(List.of(new Usage(10, 4, 1, 0, 0), new Usage(10, 6, 2, 8, 1)));
        assertEquals(new Usage(10, 10, 3, 0, 1), usage);
    }

    @Test
    void promptsAddUpInVllmsChoiceOrder() {
        // Two prompts × n = 2: choices 0, 1 are prompt 0's, 2, 3 prompt 1's.
        Usage usage = ChoiceUsage.of(List.of(new Usage(3, 1, 0, 2, 0), new Usage(3, 2, 0, 3, 0),
                new Usage(5, 4, 0, 4, 0), new Usage(5, 8, 0, 4, 0)), 2);
        assertEquals(new Usage(8, 15, 0, 6, 0), usage);
        assertEquals(23, usage.totalTokens());
    }
}
