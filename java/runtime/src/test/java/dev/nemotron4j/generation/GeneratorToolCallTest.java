package dev.nemotron4j.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.ChatReply;
import dev.nemotron4j.FinishReason;
import dev.nemotron4j.Generation;
import dev.nemotron4j.generation.constraint.TokenTable;
import dev.nemotron4j.generation.constraint.ToolCallConstraint;
import dev.nemotron4j.generation.constraint.ToolCallGrammar;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The decoding loop under a forced tool call, on a fake model that draws at random among the allowed ids. */
class GeneratorToolCallTest {
    /** Specials, pieces of the block and of JSON, chat, and (appended) every printable ASCII character. */
    private static final String[] TEXTS = withAscii(
        "<eos>", "</think>", "<TOOLCALL>", "</TOOLCALL>",                       // 0-3: special
        "Hello", " there", ".", "\n", "\n\n", "<TOOLCALL>[", "[", "{\"name\": \"", "add", "sub",
        "\", \"arguments\": ", "{", "}", "]", "}]", "\"a\"", ": ", "1", "2", ", ", "\"", "x", "[]", "true", "null",
        "ok", " ", "-"
    );
    private static final int EOS = 0;
    private static final int CLOSE_THINK = 1;
    private static final int HELLO = 4;
    private static final int[] FORCED = {6, 7, CLOSE_THINK, 8};
    private static final int[] FORCED_AT_NEWLINE = {CLOSE_THINK, 8};
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String[] withAscii(String... texts) {
        List<String> all = new ArrayList<>(List.of(texts));
        for (char c = ' '; c < 127; c++) {
            all.add(String.valueOf(c));
        }
        return all.toArray(String[]::new);
    }

    private static TokenTable table() {
        boolean[] special = new boolean[TEXTS.length];
        Arrays.fill(special, 0, 4, true);
        return TokenTable.of(TEXTS, special);
    }

    /**
     * Draws its script first, then says "Hello" while it may (and ends the turn after {@code chattyDraws}),
     * then draws at random among the ids not suppressed, leaning towards closing after a while.
     */
    private static final class ChoosingModel implements DecodeTarget {
        final Random random;
        final int chattyDraws;
        final int[] script;
        final List<SamplingStep> steps = new ArrayList<>();
        final StringBuilder drawn = new StringBuilder();
        long length = 20;

        ChoosingModel(long seed, int chattyDraws, int... script) {
            this.random = new Random(seed);
            this.chattyDraws = chattyDraws;
            this.script = script;
        }

        @Override
        public void feed(int[] tokens) {
            length += tokens.length;
        }

        @Override
        public SampledToken sample(SamplingStep step) {
            steps.add(step);
            if (steps.size() <= script.length) {
                return new SampledToken(script[steps.size() - 1], 0f, List.of());
            }
            int[] suppressed = step.suppressedIds();
            int[] sorted = sorted(suppressed);
            int[] allowed = IntStream.range(0, TEXTS.length).filter(id -> Arrays.binarySearch(sorted, id) < 0)
                    .toArray();
            assertTrue(allowed.length > 0, "something is always allowed after " + drawn);
            int token;
            if (steps.size() <= chattyDraws && contains(allowed, HELLO)) {
                token = HELLO;
            } else if (steps.size() == chattyDraws + 1 && contains(allowed, EOS)) {
                token = EOS;
            } else if (steps.size() > 25 && random.nextBoolean()) {
                token = closing(allowed);
            } else {
                token = allowed[random.nextInt(allowed.length)];
            }
            drawn.append(TEXTS[token]);
            return new SampledToken(token, -0.1f, List.of());
        }

        @Override
        public long length() {
            return length;
        }

        private static int[] sorted(int[] ids) {
            int[] copy = ids.clone();
            Arrays.sort(copy);
            return copy;
        }

        private static boolean contains(int[] ids, int id) {
            return Arrays.stream(ids).anyMatch(i -> i == id);
        }

        /** The first allowed of texts that end strings, containers and the block. */
        private static int closing(int[] allowed) {
            for (String text : List.of("\"", "}]", "}", "]", "</TOOLCALL>", ": ", "1")) {
                int id = List.of(TEXTS).indexOf(text);
                if (contains(allowed, id)) {
                    return id;
                }
            }
            return allowed[0];
        }
    }

    private static TokenText text() {
        return new TokenText() {
            @Override
            public String push(int token) {
                return token == EOS ? "" : TEXTS[token];
            }

            @Override
            public String flush() {
                return "";
            }
        };
    }

    private static ChatReply run(ChoosingModel model, Generation g, boolean reasoning, ToolCallGrammar grammar) {
        var setup = new Generator.Setup(Set.of(EOS), FORCED, FORCED_AT_NEWLINE, reasoning, true, 20, CLOSE_THINK,
                grammar == null ? null : new ToolCallConstraint(grammar, table()));
        return new Generator(model, text(), setup, g, 3L, d -> {}, () -> false).run();
    }

    @Test
    void aNamedChoiceMakesTheAnswerOneCallToThatTool() throws Exception {
        for (long seed = 0; seed < 30; seed++) {
            var model = new ChoosingModel(seed, 3);
            ChatReply r = run(model, Generation.builder().maxTokens(400).build(), false,
                    ToolCallGrammar.oneCall("add"));
            assertEquals(FinishReason.TOOL_CALLS, r.finishReason(), "seed " + seed + ": " + r.content());
            assertEquals(1, r.toolCalls().size());
            assertEquals("add", r.toolCalls().get(0).name());
            assertTrue(JSON.readTree(r.toolCalls().get(0).arguments()).isObject());
            assertEquals("", r.content(), "nothing but the block");
            for (SamplingStep step : model.steps) {
                assertTrue(Arrays.stream(step.suppressedIds()).anyMatch(id -> id == EOS), "the end of turn waits");
            }
            assertTrue(Arrays.stream(model.steps.get(0).suppressedIds()).anyMatch(id -> id == HELLO), "no chat");
        }
    }

    @Test
    void withoutTheConstraintTheSameModelChats() {
        ChatReply r = run(new ChoosingModel(0, 3), Generation.builder().maxTokens(400).build(), false, null);
        assertEquals(FinishReason.STOP, r.finishReason());
        assertEquals("HelloHelloHello", r.content());
        assertTrue(r.toolCalls().isEmpty());
    }

    @Test
    void aRequiredChoiceMakesCallsToTheTools() {
        ToolCallGrammar grammar = ToolCallGrammar.oneOrMoreCalls(List.of("add", "sub"));
        for (long seed = 0; seed < 30; seed++) {
            ChatReply r = run(new ChoosingModel(seed, 0), Generation.builder().maxTokens(400).build(), false, grammar);
            assertEquals(FinishReason.TOOL_CALLS, r.finishReason(), "seed " + seed + ": " + r.content());
            assertTrue(r.toolCalls().stream().allMatch(c -> Set.of("add", "sub").contains(c.name())));
        }
    }

    @Test
    void theReasoningIsFreeAndTheAnswerAfterTheBudgetsCutIsConstrained() {
        var model = new ChoosingModel(1, 100);
        ChatReply r = run(model, Generation.builder().thinkingBudget(3).maxTokens(400).build(), true,
                ToolCallGrammar.oneCall("add"));
        assertEquals("HelloHelloHello.", r.reasoning());
        assertEquals(FinishReason.TOOL_CALLS, r.finishReason());
        assertEquals("add", r.toolCalls().get(0).name());
        for (int i = 0; i < 3; i++) {
            assertEquals(0, model.steps.get(i).suppressedIds().length, "reasoning draws are not masked");
        }
        assertTrue(model.steps.get(3).suppressedIds().length > 0, "the first answer draw is");
        assertEquals(FORCED.length, r.usage().forcedTokens());
    }

    @Test
    void theModelsOwnEndOfReasoningStartsTheConstraint() {
        var model = new ChoosingModel(2, 0, HELLO, CLOSE_THINK);
        ChatReply r = run(model, Generation.builder().maxTokens(400).build(), true, ToolCallGrammar.oneCall("add"));
        assertEquals("Hello", r.reasoning());
        assertEquals(FinishReason.TOOL_CALLS, r.finishReason());
        assertEquals(0, r.usage().forcedTokens());
        assertEquals(0, model.steps.get(1).suppressedIds().length, "the draw of </think> is free");
        assertTrue(model.steps.get(2).suppressedIds().length > 0, "the next one is not");
    }

    @Test
    void maxTokensEndsAnUnfinishedBlockAsContent() {
        ChatReply r = run(new ChoosingModel(4, 0), Generation.builder().maxTokens(2).build(), false,
                ToolCallGrammar.oneCall("add"));
        assertEquals(FinishReason.LENGTH, r.finishReason());
        assertTrue(r.toolCalls().isEmpty());
        assertEquals(2, r.tokenIds().size());
    }

    @Test
    void aConstraintNeedsToolParsing() {
        var constraint = new ToolCallConstraint(ToolCallGrammar.oneCall("add"), table());
        assertThrows(IllegalArgumentException.class, () -> new Generator.Setup(Set.of(EOS), FORCED, FORCED_AT_NEWLINE,
                false, false, 20, CLOSE_THINK, constraint));
    }
}
