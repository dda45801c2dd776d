package dev.nemotron4j.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nemotron4j.BudgetMode;
import dev.nemotron4j.ChatReply;
import dev.nemotron4j.Delta;
import dev.nemotron4j.FinishReason;
import dev.nemotron4j.Generation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The decoding loop's policy on a scripted model: budgets, limits, stops, tools, suppression. */
class GeneratorTest {
    private static final int EOS = 2;
    private static final int CLOSE = 100;
    private static final int NEWLINE = 101;
    private static final int DOT = 102;
    private static final Map<Integer, String> TEXT = Map.of(EOS, "<eos>", CLOSE, "</think>", NEWLINE, "\n", DOT, ".",
            10, "a ", 11, "b ", 12, "c", 13, "STOP", 14, "<TOOLCALL>[{\"name\":\"f\",\"arguments\":{\"x\":1}}]</TOOLCALL>");
    private static final int[] FORCED = {DOT, NEWLINE, CLOSE, NEWLINE, NEWLINE};
    private static final int[] FORCED_AT_NEWLINE = {CLOSE, NEWLINE, NEWLINE};

    /** Returns scripted tokens from sample(); records what was fed and what was suppressed. */
    private static final class ScriptedModel implements DecodeTarget {
        final int[] script;
        int next;
        long length = 50;  // a 50-token prompt
        final List<int[]> feeds = new ArrayList<>();
        final List<SamplingStep> steps = new ArrayList<>();

        ScriptedModel(int... script) {
            this.script = script;
        }

        @Override
        public void feed(int[] tokens) {
            feeds.add(tokens.clone());
            length += tokens.length;
        }

        @Override
        public SampledToken sample(SamplingStep step) {
            steps.add(step);
            return new SampledToken(script[next++], -0.5f, List.of());
        }

        @Override
        public long length() {
            return length;
        }
    }

    private static TokenText text() {
        return new TokenText() {
            @Override
            public String push(int token) {
                return TEXT.getOrDefault(token, "?");
            }

            @Override
            public String flush() {
                return "";
            }
        };
    }

    private static ChatReply run(ScriptedModel model, Generation g, boolean reasoning, boolean tools, List<Delta> deltas) {
        var setup = new Generator.Setup(Set.of(EOS), FORCED, FORCED_AT_NEWLINE, reasoning, tools, 50, CLOSE);
        return new Generator(model, text(), setup, g, 7L, deltas::add, () -> false).run();
    }

    private static int[] ids(ChatReply r) {
        return r.tokenIds().stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void strictBudgetCutsAfterExactlyNReasoningTokens() {
        var model = new ScriptedModel(10, 11, 10, 11, 12, EOS);
        List<Delta> deltas = new ArrayList<>();
        ChatReply r = run(model, Generation.builder().thinkingBudget(3).build(), true, false, deltas);
        assertArrayEquals(new int[] {10, 11, 10, DOT, NEWLINE, CLOSE, NEWLINE, NEWLINE, 11, 12, EOS}, ids(r));
        assertEquals("a b a .", r.reasoning());
        assertEquals("b c", r.content());
        assertEquals(6, r.usage().reasoningTokens(), "3 generated + '.', '\\n', '</think>'");
        assertEquals(5, r.usage().forcedTokens());
        assertArrayEquals(FORCED, model.feeds.get(3), "the forced text is one feed after the third token");
        assertEquals(FinishReason.STOP, deltas.get(deltas.size() - 1).finishReason());
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), model.steps.stream().map(SamplingStep::step).toList(),
                "draws are numbered 0, 1, 2 … (forced tokens are not draws)");
    }

    @Test
    void newlineBudgetWaitsForTheLineToEnd() {
        var model = new ScriptedModel(10, 11, 10, 11, NEWLINE, 12, EOS);
        ChatReply r = run(model, Generation.builder().thinkingBudget(2).budgetMode(BudgetMode.NEWLINE).build(), true,
                false, new ArrayList<>());
        assertArrayEquals(new int[] {10, 11, 10, 11, NEWLINE, CLOSE, NEWLINE, NEWLINE, 12, EOS}, ids(r));
        assertEquals("a b a b", r.reasoning());
        assertEquals("c", r.content());
        assertEquals(3, r.usage().forcedTokens(), "after a newline only '</think>\\n\\n' is appended");
    }

    @Test
    void newlineBudgetCutsHardAfterTheGrace() {
        int[] script = new int[Generation.NEWLINE_GRACE_TOKENS + 10];
        java.util.Arrays.fill(script, 10);
        script[script.length - 1] = EOS;
        var model = new ScriptedModel(script);
        ChatReply r = run(model, Generation.builder().thinkingBudget(4).budgetMode(BudgetMode.NEWLINE).maxTokens(2000)
                .build(), true, false, new ArrayList<>());
        assertEquals(4 + Generation.NEWLINE_GRACE_TOKENS + 3, r.usage().reasoningTokens());
        assertEquals(5, r.usage().forcedTokens());
    }

    @Test
    void aZeroBudgetClosesTheReasoningBeforeTheFirstDraw() {
        var model = new ScriptedModel(12, EOS);
        ChatReply r = run(model, Generation.builder().thinkingBudget(0).build(), true, false, new ArrayList<>());
        assertArrayEquals(FORCED, model.feeds.get(0));
        assertEquals(".", r.reasoning());
        assertEquals("c", r.content());
    }

    @Test
    void maxTokensCountsForcedTokensAndEndsWithLength() {
        var model = new ScriptedModel(10, 11, 10, 11, 12, 12, 12, EOS);
        ChatReply r = run(model, Generation.builder().thinkingBudget(2).maxTokens(9).build(), true, false,
                new ArrayList<>());
        assertEquals(9, r.tokenIds().size());
        assertEquals(FinishReason.LENGTH, r.finishReason());
        assertEquals(9, r.usage().completionTokens());
    }

    @Test
    void stopStringsEndTheReplyAndAreNotPartOfIt() {
        var model = new ScriptedModel(10, 11, 13, 12, EOS);
        ChatReply r = run(model, Generation.builder().stop(List.of("STOP")).build(), false, false, new ArrayList<>());
        assertEquals("a b", r.content());
        assertEquals(FinishReason.STOP, r.finishReason());
        assertEquals(3, r.tokenIds().size(), "nothing is drawn after the stop string");
    }

    @Test
    void toolCallsEndWithToolCalls() {
        var model = new ScriptedModel(10, 14, EOS);
        List<Delta> deltas = new ArrayList<>();
        ChatReply r = run(model, Generation.builder().build(), false, true, deltas);
        assertEquals(FinishReason.TOOL_CALLS, r.finishReason());
        assertEquals(1, r.toolCalls().size());
        assertEquals("f", r.toolCalls().get(0).name());
        assertEquals("{\"x\":1}", r.toolCalls().get(0).arguments());
        assertEquals("a", r.content());
        assertTrue(deltas.stream().anyMatch(d -> !d.toolCalls().isEmpty()), "the call is streamed");
    }

    @Test
    void minTokensSuppressesTheEndOfTurnUntilReached() {
        var model = new ScriptedModel(10, 11, 12, EOS);
        run(model, Generation.builder().minTokens(2).stopTokenIds(Set.of(13)).build(), false, false, new ArrayList<>());
        assertEquals(Set.of(EOS, 13), toSet(model.steps.get(0).suppressedIds()));
        assertEquals(Set.of(EOS, 13), toSet(model.steps.get(1).suppressedIds()));
        assertEquals(Set.of(), toSet(model.steps.get(2).suppressedIds()));
        assertEquals(50L, model.steps.get(2).outputStart(), "penalties see the reply from the prompt's end on");
    }

    @Test
    void ignoreEosKeepsGoingPastTheEndOfTurn() {
        var model = new ScriptedModel(10, EOS, 11, EOS);
        ChatReply r = run(model, Generation.builder().ignoreEos(true).maxTokens(4).build(), false, false,
                new ArrayList<>());
        assertEquals(4, r.tokenIds().size());
        assertEquals(FinishReason.LENGTH, r.finishReason());
    }

    private static Set<Integer> toSet(int[] ids) {
        return java.util.Arrays.stream(ids).boxed().collect(java.util.stream.Collectors.toSet());
    }
}
