package dev.nemotron4j.server.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.BudgetMode;
import dev.nemotron4j.Generation;
import dev.nemotron4j.ReplyStart;
import dev.nemotron4j.ToolChoice;
import dev.nemotron4j.server.errors.ApiException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code /v1/chat/completions} bodies: a 400 naming the field for each bad one. */
class ChatRequestTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MSG = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    @Test
    void readsMessagesAndSampling() throws Exception {
        ChatRequest r = ChatRequest.parse(JSON.readTree("{" + MSG + ",\"temperature\":0.5,\"max_tokens\":9}"),
                Generation.builder());
        assertEquals("hi", r.messages().get(0).get("content"));
        assertEquals(0.5, r.generation().temperature());
        assertEquals(9, r.generation().maxTokens());
    }

    @Test
    void readsVllmSamplingNames() throws Exception {
        Generation g = ChatRequest.parse(JSON.readTree("{" + MSG + ",\"min_p\":0.1,\"repetition_penalty\":1.2,"
                + "\"presence_penalty\":0.5,\"frequency_penalty\":-0.5,\"min_tokens\":3,\"max_tokens\":9,"
                + "\"ignore_eos\":true,\"stop_token_ids\":[7,8],\"logit_bias\":{\"5\":-100},"
                + "\"thinking_token_budget\":16,\"thinking_budget_mode\":\"newline\",\"priority\":-3}"), Generation.builder())
                .generation();
        assertEquals(0.1, g.minP());
        assertEquals(1.2, g.repetitionPenalty());
        assertEquals(0.5, g.presencePenalty());
        assertEquals(-0.5, g.frequencyPenalty());
        assertEquals(3, g.minTokens());
        assertTrue(g.ignoreEos());
        assertEquals(Set.of(7, 8), g.stopTokenIds());
        assertEquals(Map.of(5, -100f), g.logitBias());
        assertEquals(16, g.thinkingBudget());
        assertEquals(BudgetMode.NEWLINE, g.budgetMode());
        assertEquals(-3, g.priority());
        assertEquals(0, g.logprobs());
    }

    @Test
    void logprobsAskTheRuntimeForAtLeastOneAlternative() throws Exception {
        ChatRequest plain = ChatRequest.parse(JSON.readTree("{" + MSG + "}"), Generation.builder());
        assertEquals(-1, plain.topLogprobs());
        ChatRequest bare = ChatRequest.parse(JSON.readTree("{" + MSG + ",\"logprobs\":true}"), Generation.builder());
        assertEquals(0, bare.topLogprobs());
        assertEquals(1, bare.generation().logprobs());
        ChatRequest top = ChatRequest.parse(JSON.readTree("{" + MSG + ",\"logprobs\":true,\"top_logprobs\":5}"),
                Generation.builder());
        assertEquals(5, top.topLogprobs());
        assertEquals(5, top.generation().logprobs());
    }

    @Test
    void nIsTheNumberOfChoices() throws Exception {
        assertEquals(1, ChatRequest.parse(JSON.readTree("{" + MSG + "}"), Generation.builder()).n());
        assertEquals(3, ChatRequest.parse(JSON.readTree("{" + MSG + ",\"n\":3}"), Generation.builder()).n());
        assertEquals(128, ChatRequest.parse(JSON.readTree("{" + MSG + ",\"n\":128}"), Generation.builder()).n());
    }

    @Test
    void contentPartsToolHistoryAndTemplateOptions() throws Exception {
        String body = "{\"messages\":["
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"text\",\"text\":\"b\"}]},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"add\",\"arguments\":\"{\\\"x\\\":1}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"2\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"add\",\"parameters\":{}}}],"
                + "\"tool_choice\":\"auto\",\"chat_template_kwargs\":{\"enable_thinking\":false},"
                + "\"add_generation_prompt\":true}";
        ChatRequest r = ChatRequest.parse(JSON.readTree(body), Generation.builder());
        assertEquals("a\nb", r.messages().get(0).get("content"));
        assertEquals("", r.messages().get(1).get("content"));
        List<?> calls = (List<?>) r.messages().get(1).get("tool_calls");
        assertEquals("add", ((Map<?, ?>) ((Map<?, ?>) calls.get(0)).get("function")).get("name"));
        assertEquals("call_1", r.messages().get(2).get("tool_call_id"));
        assertEquals("add", ((Map<?, ?>) r.chatOptions().tools().get(0).get("function")).get("name"));
        assertEquals(Map.of("enable_thinking", false), r.chatOptions().templateKwargs());

        ChatRequest none = ChatRequest.parse(JSON.readTree(body.replace("\"auto\"", "\"none\"")),
                Generation.builder());
        assertEquals(ToolChoice.NONE, none.toolChoice(), "the session keeps the tools from the template");
        assertEquals(ToolChoice.REQUIRED, ChatRequest.parse(JSON.readTree(body.replace("\"auto\"", "\"required\"")),
                Generation.builder()).chatOptions().toolChoice());
        assertFalse(ChatRequest.parse(JSON.readTree(body.replace("\"auto\"", "\"required\",\"parallel_tool_calls\":false")),
                Generation.builder()).chatOptions().parallelToolCalls());
        assertTrue(r.chatOptions().parallelToolCalls(), "parallel tool calls by default");
        assertEquals(ToolChoice.function("add"), ChatRequest.parse(JSON.readTree(body.replace("\"auto\"",
                "{\"type\":\"function\",\"function\":{\"name\":\"add\"}}")), Generation.builder()).toolChoice());
    }

    @Test
    void aTextResponseFormatIsTheDefault() throws Exception {
        assertEquals(1, parse("{" + MSG + ",\"response_format\":{\"type\":\"text\"}}").n());
    }

    @Test
    void addGenerationPromptAndContinueFinalMessageSayWhereTheReplyStarts() throws Exception {
        String assistantLast = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"assistant\",\"content\":\"Hel\"}]";
        assertEquals(ReplyStart.NEW_ASSISTANT_MESSAGE, parse("{" + MSG + "}").replyStart());
        assertEquals(ReplyStart.NO_GENERATION_PROMPT, parse("{" + MSG + ",\"add_generation_prompt\":false}").replyStart());
        assertEquals(ReplyStart.CONTINUE_FINAL_MESSAGE, parse("{" + assistantLast
                + ",\"continue_final_message\":true,\"add_generation_prompt\":false}").replyStart());
        assertEquals(ReplyStart.CONTINUE_FINAL_MESSAGE, parse("{" + assistantLast + ",\"continue_final_message\":true}")
                .replyStart(), "continuing implies no generation prompt when the client leaves it out");
        ApiException both = assertThrows(ApiException.class, () -> parse("{" + assistantLast
                + ",\"continue_final_message\":true,\"add_generation_prompt\":true}"));
        assertEquals("continue_final_message", both.param());
    }

    private static ChatRequest parse(String body) throws Exception {
        return ChatRequest.parse(JSON.readTree(body), Generation.builder());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{}|messages",
        "{\"messages\":[]}|messages",
        "{\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}|messages",
        "{\"messages\":[{\"role\":\"user\",\"content\":3}]}|messages",
        "{MSG,\"tools\":[{\"type\":\"function\"}]}|tools",
        "{MSG,\"n\":0}|n",
        "{MSG,\"n\":129}|n",
        "{MSG,\"n\":1.5}|n",
        "{MSG,\"logprobs\":1}|logprobs",
        "{MSG,\"top_logprobs\":3}|top_logprobs",
        "{MSG,\"logprobs\":true,\"top_logprobs\":21}|top_logprobs",
        "{MSG,\"min_p\":1.5}|min_p",
        "{MSG,\"repetition_penalty\":0}|repetition_penalty",
        "{MSG,\"presence_penalty\":3}|presence_penalty",
        "{MSG,\"frequency_penalty\":-2.5}|frequency_penalty",
        "{MSG,\"min_tokens\":-1}|min_tokens",
        "{MSG,\"min_tokens\":10,\"max_tokens\":5}|min_tokens",
        "{MSG,\"ignore_eos\":\"yes\"}|ignore_eos",
        "{MSG,\"stop_token_ids\":[-1]}|stop_token_ids",
        "{MSG,\"stop_token_ids\":7}|stop_token_ids",
        "{MSG,\"logit_bias\":{\"a\":1}}|logit_bias",
        "{MSG,\"logit_bias\":{\"5\":101}}|logit_bias",
        "{MSG,\"thinking_token_budget\":-1}|thinking_token_budget",
        "{MSG,\"thinking_budget_mode\":\"soft\"}|thinking_budget_mode",
        "{MSG,\"tool_choice\":\"required\"}|tool_choice",
        "{MSG,\"tools\":\"x\"}|tools",
        "{MSG,\"chat_template_kwargs\":[]}|chat_template_kwargs",
        "{MSG,\"chat_template_kwargs\":{\"x\":null}}|chat_template_kwargs",
        "{MSG,\"add_generation_prompt\":\"no\"}|add_generation_prompt",
        "{MSG,\"tool_choice\":\"sometimes\"}|tool_choice",
        "{MSG,\"parallel_tool_calls\":\"no\"}|parallel_tool_calls",
        "{MSG,\"priority\":1.5}|priority",
        "{MSG,\"echo\":true}|echo",
        "{MSG,\"include_stop_str_in_output\":true}|include_stop_str_in_output",
        "{MSG,\"stream\":true,\"stream_options\":{\"continuous_usage_stats\":true}}|stream_options",
        "{MSG,\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"add \\\"x\\\"\"}}],\"tool_choice\":\"required\"}|tool_choice",
        "{MSG,\"response_format\":{\"type\":\"json_object\"}}|response_format",
        "{MSG,\"guided_json\":{}}|guided_json",
        "{MSG,\"structured_outputs\":{\"regex\":\"a\"}}|structured_outputs",
        "{MSG,\"tool_choice\":{\"type\":\"function\"}}|tool_choice",
        "{MSG,\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"add\"}}],\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"sub\"}}}|tool_choice",
        "{MSG,\"continue_final_message\":true}|continue_final_message",
        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]}|messages",
        "{\"messages\":[{\"role\":\"user\",\"content\":null}]}|messages",
        "{\"messages\":[{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{}]}]}|messages",
        "{MSG,\"temperature\":-1}|temperature",
        "{MSG,\"top_p\":2}|top_p",
        "{MSG,\"top_k\":-5}|top_k",
        "{MSG,\"max_tokens\":0}|max_tokens",
        "{MSG,\"max_completion_tokens\":\"many\"}|max_completion_tokens",
        "{MSG,\"seed\":1.5}|seed",
        "{MSG,\"stop\":\"\"}|stop",
        "{MSG,\"stream\":1}|stream",
        "{MSG,\"stream_options\":[]}|stream_options",
        "{MSG,\"model\":false}|model",
    })
    void badFieldsNameTheirParam(String body, String param) {
        ApiException e = assertThrows(ApiException.class,
                () -> ChatRequest.parse(JSON.readTree(body.replace("MSG", MSG)), Generation.builder()));
        assertEquals(400, e.status());
        assertEquals(param, e.param(), e.getMessage());
    }
}
