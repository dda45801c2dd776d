package dev.nemotron4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Forced tool choices on the bundled model, which never writes a tool call on its own (it only knows
 * arithmetic chats): under a named or required choice every reply is a well-formed call all the same,
 * so the constraint is what makes it.
 */
class ChatToolChoiceIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Object> ADD = tool("add", "adds two numbers");
    private static final Map<String, Object> SUB = tool("sub", "subtracts b from a");
    private static final long[] SEEDS = {1, 2, 3, 4, 5, 6};
    private static final int MAX_TOKENS = 1500;
    private static NemotronModel model;

    @BeforeAll
    static void load() {
        model = NemotronModel.load(BundledModel.directory());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static Map<String, Object> tool(String name, String description) {
        Map<String, Object> number = Map.of("type", "number");
        return Map.of("type", "function", "function", Map.of("name", name, "description", description,
                "parameters", Map.of("type", "object", "properties", Map.of("a", number, "b", number),
                        "required", List.of("a", "b"))));
    }

    private static ChatReply ask(ToolChoice choice, List<Map<String, Object>> tools, Boolean thinking, Generation g) {
        ChatOptions options = ChatOptions.builder().system("Use the tools.").thinking(thinking).tools(tools)
                .toolChoice(choice).build();
        try (ChatSession chat = model.newChat(options)) {
            return chat.send("What is 2+3?", g);
        }
    }

    /**
     * Greedy, then sampled at temperature 1 with several seeds. The model knows nothing of JSON: it pads
     * with whitespace and fills keys to their limit, so a block takes it a few hundred tokens.
     */
    private static List<Generation> generations() {
        List<Generation> all = new ArrayList<>();
        all.add(Generation.builder().greedy().maxTokens(MAX_TOKENS).build());
        for (long seed : SEEDS) {
            all.add(Generation.builder().temperature(1.0).seed(seed).maxTokens(MAX_TOKENS).build());
        }
        return all;
    }

    private static void assertCallsTo(List<String> allowed, ChatReply reply) throws Exception {
        assertEquals(FinishReason.TOOL_CALLS, reply.finishReason(), reply.content());
        assertFalse(reply.toolCalls().isEmpty());
        for (ToolCall call : reply.toolCalls()) {
            assertTrue(allowed.contains(call.name()), call.name());
            assertTrue(JSON.readTree(call.arguments()).isObject(), call.arguments());
        }
        assertEquals("", reply.content(), "the answer is the block and nothing else");
    }

    @Test
    void withoutAForcedChoiceTheModelAnswersInText() {
        for (Generation g : generations()) {
            ChatReply reply = ask(ToolChoice.AUTO, List.of(ADD, SUB), false, g);
            assertTrue(reply.toolCalls().isEmpty(), reply.content());
            assertTrue(reply.finishReason() != FinishReason.TOOL_CALLS);
        }
    }

    @Test
    void aNamedChoiceMakesExactlyOneCallToThatFunction() throws Exception {
        for (Generation g : generations()) {
            ChatReply reply = ask(ToolChoice.function("add"), List.of(ADD, SUB), false, g);
            assertCallsTo(List.of("add"), reply);
            assertEquals(1, reply.toolCalls().size());
        }
    }

    @Test
    void aRequiredChoiceMakesCallsToTheTools() throws Exception {
        for (Generation g : generations()) {
            assertCallsTo(List.of("add", "sub"), ask(ToolChoice.REQUIRED, List.of(ADD, SUB), false, g));
        }
    }

    @Test
    void theReasoningComesFirstAndTheCallAfterIt() throws Exception {
        for (Generation g : generations()) {
            Generation budgeted = g.toBuilder().thinkingBudget(12).build();
            ChatReply reply = ask(ToolChoice.function("add"), List.of(ADD), true, budgeted);
            assertFalse(reply.reasoning().isEmpty(), "the reasoning is still there");
            assertTrue(reply.usage().reasoningTokens() > 0);
            assertCallsTo(List.of("add"), reply);
        }
    }

    @Test
    void maxTokensStillEndsTheReply() {
        // greedy, the model writes 16 whitespace tokens (the limit), then <TOOLCALL>, [ and {
        ChatReply reply = ask(ToolChoice.function("add"), List.of(ADD), false,
                Generation.builder().greedy().maxTokens(20).build());
        assertEquals(FinishReason.LENGTH, reply.finishReason());
        assertTrue(reply.toolCalls().isEmpty());
        assertTrue(reply.content().startsWith("<TOOLCALL>"), "the open block is content: " + reply.content());
    }

    @Test
    void theCallIsRememberedAndTheConversationGoesOn() throws Exception {
        ChatOptions options = ChatOptions.builder().tools(List.of(ADD)).toolChoice(ToolChoice.function("add")).build();
        try (ChatSession chat = model.newChat(options)) {
            ChatReply reply = chat.send("What is 2+3?", Generation.builder().greedy().maxTokens(MAX_TOKENS).build());
            assertCallsTo(List.of("add"), reply);
            Map<String, Object> assistant = chat.messages().get(chat.messages().size() - 1);
            assertTrue(assistant.containsKey("tool_calls"));
        }
    }

    @Test
    void noneKeepsTheToolsFromTheTemplate() {
        ChatOptions options = ChatOptions.builder().tools(List.of(ADD)).toolChoice(ToolChoice.NONE).build();
        ChatOptions auto = options.toBuilder().toolChoice(ToolChoice.AUTO).build();
        Generation g = Generation.builder().greedy().maxTokens(40).build();
        int withNone;
        int withAuto;
        try (ChatSession chat = model.newChat(options)) {
            withNone = chat.send("What is 2+3?", g).usage().promptTokens();
        }
        try (ChatSession chat = model.newChat(auto)) {
            withAuto = chat.send("What is 2+3?", g).usage().promptTokens();
        }
        assertTrue(withNone < withAuto, "the tools' descriptions are left out: " + withNone + " vs " + withAuto);
    }
}
