package dev.nemotron4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The seed scenario on the bundled model: every greedy reply of chat_demo.json reproduced exactly (ids and
 * text, split into reasoning and content), and its thinking-budget case: 8 reasoning tokens, the forced
 * text's own tokens, then the answer, in one pass over one sequence (the prompt prefilled once).
 */
class ChatDemoIT {
    private static NemotronModel model;
    private static JsonNode demo;

    @BeforeAll
    static void load() throws IOException {
        model = NemotronModel.load(BundledModel.directory());
        demo = new ObjectMapper().readTree(RepoPaths.model(BundledModel.NAME).resolve("chat_demo.json").toFile());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static Stream<String> greedyCases() throws IOException {
        JsonNode cases = new ObjectMapper().readTree(
                RepoPaths.model(BundledModel.NAME).resolve("chat_demo.json").toFile()).get("cases");
        return StreamSupport.stream(cases.spliterator(), false).filter(c -> c.has("greedy_ids"))
                .map(c -> c.get("name").asText());
    }

    private static JsonNode demoCase(String name) {
        for (JsonNode c : demo.get("cases")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static int[] ids(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToInt(JsonNode::asInt).toArray();
    }

    private static Generation greedy(int maxTokens) {
        return Generation.builder().greedy().maxTokens(maxTokens).build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("greedyCases")
    void greedyRepliesMatchExactly(String name) {
        JsonNode c = demoCase(name);
        try (ChatSession chat = model.newChat(ChatOptions.builder().system(c.get("system").asText()).build())) {
            List<Delta> deltas = new ArrayList<>();
            ChatReply reply = chat.stream(c.get("user").asText(), greedy(256), deltas::add);
            int[] got = reply.tokenIds().stream().mapToInt(Integer::intValue).toArray();
            assertArrayEquals(ids(c.get("greedy_ids")), got, name + " token ids");
            String text = c.get("greedy_text").asText();
            assertEquals(text, model.chatResources().tokenizer().decode(got), name + " text");
            String body = text.replace("<SPECIAL_12>", "");
            int cut = body.indexOf("</think>");
            assertEquals(cut < 0 ? "" : body.substring(0, cut).strip(), reply.reasoning());
            assertEquals((cut < 0 ? body : body.substring(cut + "</think>".length())).strip(), reply.content());
            assertEquals(FinishReason.STOP, reply.finishReason());
            assertEquals(ids(c.get("prompt_ids")).length, reply.usage().promptTokens());
            assertEquals(got.length, reply.usage().completionTokens());
            // the stream carries the same text as the reply, and ends with the finish reason
            assertEquals(reply.reasoning(), deltas.stream().map(Delta::reasoning).reduce("", String::concat));
            assertEquals(reply.content(), deltas.stream().map(Delta::content).reduce("", String::concat));
            assertEquals(FinishReason.STOP, deltas.get(deltas.size() - 1).finishReason());
        }
    }

    @Test
    void promptsRenderAndTokenizeAsTheGolden() {
        for (JsonNode c : demo.get("cases")) {
            var messages = List.of(java.util.Map.<String, Object>of("role", "system", "content", c.get("system").asText()),
                    java.util.Map.<String, Object>of("role", "user", "content", c.get("user").asText()));
            String prompt = model.chatResources().render(messages, List.of(), java.util.Map.of(), true);
            assertEquals(c.get("prompt_text").asText(), prompt);
            assertArrayEquals(ids(c.get("prompt_ids")), model.chatResources().tokenizer().encode(prompt));
        }
    }

    @Test
    void thinkingBudgetCutsInOnePass() {
        JsonNode c = demoCase("budget8_9*8");
        try (ChatSession chat = model.newChat(ChatOptions.builder().system(c.get("system").asText()).build())) {
            EngineCounters before = model.counters();
            ChatReply reply = chat.send(c.get("user").asText(), Generation.builder().greedy().maxTokens(256)
                    .thinkingBudget(c.get("thinking_budget").asInt()).budgetMode(BudgetMode.STRICT).build());
            EngineCounters work = model.counters().since(before);
            int[] reasoning = ids(c.get("reasoning_ids"));
            int[] forced = ids(c.get("forced_ids"));
            int[] answer = ids(c.get("answer_ids"));
            int[] expected = IntStream.concat(IntStream.concat(IntStream.of(reasoning), IntStream.of(forced)),
                    IntStream.of(answer)).toArray();
            assertArrayEquals(expected, reply.tokenIds().stream().mapToInt(Integer::intValue).toArray());
            assertEquals("The user asks for.", reply.reasoning());
            assertEquals("9 * 8 equals **72**.", reply.content());
            assertEquals(FinishReason.STOP, reply.finishReason());
            assertEquals(forced.length, reply.usage().forcedTokens());
            int closeAt = IntStream.range(0, forced.length)
                    .filter(i -> forced[i] == model.chatResources().tokenizer().tokenId("</think>").orElseThrow())
                    .findFirst().orElseThrow();
            assertEquals(reasoning.length + closeAt + 1, reply.usage().reasoningTokens(),
                    "reasoning ends with the forced </think>");
            int prompt = ids(c.get("prompt_ids")).length;
            int computed = prompt - reply.usage().cachedTokens();  // the rest came from the engine's prefix cache
            // One prefill of the prompt (what the prefix cache did not have), one of the forced text, which
            // carries the last reasoning token with it; every other token fed alone.
            assertEquals(computed + forced.length + 1, work.prefillTokens(), "the prompt was prefilled once");
            assertEquals(reasoning.length + answer.length, work.tokensSampled());
            assertEquals(computed + forced.length + reasoning.length + answer.length - 1, work.tokensFed(),
                    "every sampled token but the final end-of-turn one is fed back");
            assertTrue(work.feedCalls() <= 3 + reasoning.length + answer.length - 1, "prompt (history + generation prompt), forced text, then one feed per token: " + work.feedCalls());
        }
    }

    @Test
    void newlineBudgetEndsAtTheLineEndLikeTheNaturalReply() {
        JsonNode natural = demoCase("think_9*8");
        try (ChatSession chat = model.newChat(ChatOptions.builder().system(natural.get("system").asText()).build())) {
            ChatReply reply = chat.send(natural.get("user").asText(), Generation.builder().greedy().maxTokens(256)
                    .thinkingBudget(8).budgetMode(BudgetMode.NEWLINE).build());
            // The reasoning's only newline is the one before </think>: the cut lands there and appends
            // "</think>\n\n", the very tokens the model would have produced.
            assertArrayEquals(ids(natural.get("greedy_ids")), reply.tokenIds().stream().mapToInt(Integer::intValue).toArray());
            assertEquals(3, reply.usage().forcedTokens());
        }
    }

    @Test
    void theSameSeedGivesTheSameReply() {
        Generation sampled = Generation.builder().temperature(1.5).topP(0.95).maxTokens(60).build();
        java.util.Set<List<Integer>> distinct = new java.util.HashSet<>();
        for (long seed = 1; seed <= 6; seed++) {
            Generation g = sampled.toBuilder().seed(seed).build();
            try (ChatSession a = model.newChat(ChatOptions.builder().thinking(true).build());
                    ChatSession b = model.newChat(ChatOptions.builder().thinking(true).build())) {
                ChatReply x = a.send("What is 7+5?", g);
                ChatReply y = b.send("What is 7+5?", g);
                assertEquals(x.tokenIds(), y.tokenIds(), "seed " + seed);
                distinct.add(x.tokenIds());
            }
        }
        assertTrue(distinct.size() > 1, "different seeds draw different replies at temperature 1.5");
    }

    @Test
    void theSeedScenarioRunsInOnePass() {
        // NVIDIA's example: /think, "What is 2+2?", budget 32, max_tokens 512, temperature 0.6, top_p 0.95.
        try (ChatSession chat = model.newChat(ChatOptions.builder().system("You are a helpful assistant.").thinking(true)
                .build())) {
            EngineCounters before = model.counters();
            ChatReply r = chat.send("What is 2+2?", model.generationDefaults().thinkingBudget(32).maxTokens(512)
                    .temperature(0.6).topP(0.95).seed(2026L).build());
            EngineCounters work = model.counters().since(before);
            assertEquals(FinishReason.STOP, r.finishReason());
            assertTrue(!r.reasoning().isEmpty() && !r.content().isEmpty(), r.toString());
            assertTrue(r.usage().reasoningTokens() <= 32 + 5, "the budget bounds the reasoning: " + r.usage());
            // the forced text, if the budget cut, carries the last reasoning token with it
            int forced = r.usage().forcedTokens() > 0 ? r.usage().forcedTokens() + 1 : 0;
            assertEquals(r.usage().promptTokens() - r.usage().cachedTokens() + forced, work.prefillTokens(),
                    "the prompt is prefilled once (plus the forced text, if the budget cut)");
        }
    }
}
