package dev.nemotron4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where a turn's reply starts ({@link ReplyStart}) and the exact generated text ({@link Delta#text()}),
 * on the bundled model, each checked against a raw completion of the prompt the template renders.
 */
class ChatReplyStartIT {
    private static NemotronModel model;
    private static final Generation GREEDY = Generation.builder().greedy().maxTokens(160).build();

    @BeforeAll
    static void load() {
        model = NemotronModel.load(BundledModel.directory());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static Map<String, Object> message(String role, String content) {
        return Map.of("role", role, "content", content);
    }

    /** The greedy raw continuation of {@code prompt}: its text and token ids. */
    private static ChatReply rawCompletion(String prompt, StringBuilder text) {
        int[] tokens = model.chatResources().tokenizer().encode(prompt);
        return model.complete(tokens, GREEDY, text::append, () -> false);
    }

    private static String render(List<Map<String, Object>> messages, ReplyStart start) {
        return model.chatResources().renderer(null).render(messages, List.of(), Map.of(), start);
    }

    @Test
    void theExactTextIsTheReasoningTheCloseAndTheAnswerAsGenerated() {
        StringBuilder exact = new StringBuilder();
        ChatReply reply;
        try (ChatSession chat = model.newChat(ChatOptions.builder().system("Answer.").thinking(true).build())) {
            reply = chat.stream(List.of(message("user", "What is 2+2?")), GREEDY, d -> exact.append(d.text()));
        }
        assertEquals(FinishReason.STOP, reply.finishReason());
        StringBuilder raw = new StringBuilder();
        String prompt = render(List.of(message("system", "Answer. /think"), message("user", "What is 2+2?")),
                ReplyStart.NEW_ASSISTANT_MESSAGE);
        rawCompletion(prompt, raw);
        assertEquals(raw.toString(), exact.toString(), "the chat's exact text is the raw continuation's text");
        String text = exact.toString();
        int close = text.indexOf("</think>");
        assertTrue(close > 0, "the reasoning closes: " + text);
        assertEquals(reply.reasoning(), text.substring(0, close).strip());
        assertEquals(reply.content(), text.substring(close + "</think>".length()).strip());
    }

    @Test
    void aContinuedFinalMessageGoesOnFromItsText() {
        List<Map<String, Object>> messages = List.of(message("system", "/no_think"),
                message("user", "What is 2+3?"), message("assistant", "2 + 3"));
        StringBuilder exact = new StringBuilder();
        ChatReply reply;
        List<Map<String, Object>> history;
        try (ChatSession chat = model.newChat(ChatOptions.defaults())) {
            reply = chat.stream(messages, GREEDY, d -> exact.append(d.text()), () -> false,
                    ReplyStart.CONTINUE_FINAL_MESSAGE);
            history = chat.messages();
        }
        String prompt = render(messages, ReplyStart.CONTINUE_FINAL_MESSAGE);
        assertTrue(prompt.endsWith("<think></think>2 + 3"), "the final message is left open: " + prompt);
        StringBuilder raw = new StringBuilder();
        ChatReply expected = rawCompletion(prompt, raw);
        assertEquals(expected.tokenIds(), reply.tokenIds(), "the continuation of exactly that prompt");
        assertEquals(raw.toString(), exact.toString());
        assertEquals(3, history.size(), "the continuation joins the final message");
        assertEquals("2 + 3" + reply.content(), history.get(2).get("content"));
    }

    @Test
    void withoutAGenerationPromptTheModelContinuesTheRenderedConversation() {
        List<Map<String, Object>> messages = List.of(message("user", "What is 4+4?"));
        StringBuilder exact = new StringBuilder();
        ChatReply reply;
        try (ChatSession chat = model.newChat(ChatOptions.defaults())) {
            reply = chat.stream(messages, GREEDY, d -> exact.append(d.text()), () -> false,
                    ReplyStart.NO_GENERATION_PROMPT);
        }
        String prompt = render(messages, ReplyStart.NO_GENERATION_PROMPT);
        assertFalse(prompt.endsWith("<think>\n"), "no generation prompt: " + prompt);
        StringBuilder raw = new StringBuilder();
        ChatReply expected = rawCompletion(prompt, raw);
        assertEquals(expected.tokenIds(), reply.tokenIds());
        assertEquals(raw.toString(), exact.toString());
        assertEquals(0, reply.usage().reasoningTokens(), "the reply is not taken to start inside reasoning");
    }

    @Test
    void eachDeltaCarriesTheLogprobsOfItsTokensAndTheyAddUpToTheReplys() {
        Generation sampled = Generation.builder().temperature(1.0).seed(3L).maxTokens(40).logprobs(2).build();
        List<dev.nemotron4j.generation.SampledToken> streamed = new java.util.ArrayList<>();
        int[] deltasWithLogprobs = {0};
        ChatReply reply;
        try (ChatSession chat = model.newChat(ChatOptions.defaults())) {
            reply = chat.stream(List.of(message("user", "What is 2+2?")), sampled, d -> {
                streamed.addAll(d.logprobs());
                deltasWithLogprobs[0] += d.logprobs().isEmpty() ? 0 : 1;
            });
        }
        assertEquals(reply.logprobs(), streamed, "every drawn token's logprobs, once, in order");
        assertTrue(deltasWithLogprobs[0] > 1, "spread over the deltas, not all at the end");

        int[] prompt = model.chatResources().tokenizer().encode("What is");
        List<dev.nemotron4j.generation.SampledToken> raw = new java.util.ArrayList<>();
        StringBuilder text = new StringBuilder();
        ChatReply completion = model.completeStreaming(prompt, sampled, d -> {
            raw.addAll(d.logprobs());
            text.append(d.text());
        }, () -> false);
        assertEquals(completion.logprobs(), raw);
        StringBuilder plain = new StringBuilder();
        model.complete(prompt, sampled, plain::append, () -> false);
        assertEquals(plain.toString(), text.toString(), "the same text through either entry point");
    }

    @Test
    void continuingNeedsAFinalAssistantMessage() {
        try (ChatSession chat = model.newChat(ChatOptions.defaults())) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> chat.stream(
                    List.of(message("user", "Hi")), GREEDY, d -> {}, () -> false, ReplyStart.CONTINUE_FINAL_MESSAGE));
            assertTrue(e.getMessage().contains("assistant"), e.getMessage());
            assertEquals(List.of(), chat.messages(), "a refused turn records nothing");
        }
    }
}
