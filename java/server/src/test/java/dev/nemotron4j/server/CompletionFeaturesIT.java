package dev.nemotron4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.BundledModel;
import dev.nemotron4j.NemotronModel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/completions}' vLLM features over loopback on the bundled model: n samples (choice j replays as
 * a single request with seed + j), several prompts in vLLM's choice order, logprobs (checked against the
 * text and the chat route) and echo, plain and streamed, and their 400s.
 */
class CompletionFeaturesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMPT = "The capital of France is";
    private static final String OTHER_PROMPT = "Once upon a time";
    private static final int MAX_TOKENS = 16;
    private static final long SEED = 1234;
    /** Sampled (not greedy), so that the n choices differ. */
    private static final double TEMPERATURE = 1.0;
    /**
     * The same token's log-probability from two runs of the same prompt: the chat route's prefill may resume
     * from the prefix cache and run in other chunks, which moves float sums in the last bits.
     */
    private static final double SAME_LOGPROB = 1e-3;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static NemotronModel model;
    private static OpenAiServer server;

    @BeforeAll
    static void start() {
        model = NemotronModel.load(BundledModel.directory());
        server = OpenAiServer.start(model, new ServerOptions("127.0.0.1", 0, null, BundledModel.NAME));
    }

    @AfterAll
    static void stop() {
        server.close();
        model.close();
    }

    private static HttpResponse<String> post(String path, Map<String, Object> body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .header("Content-Type", "application/json").build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode ok(HttpResponse<String> response) throws IOException {
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    /** A completion body: sampled with {@link #SEED}, {@link #MAX_TOKENS}, plus {@code extra}. */
    private static Map<String, Object> body(Object prompt, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(Map.of("model", BundledModel.NAME, "prompt", prompt,
                "temperature", TEMPERATURE, "seed", SEED, "max_tokens", MAX_TOKENS));
        body.putAll(extra);
        return body;
    }

    private static JsonNode complete(Object prompt, Map<String, Object> extra) throws Exception {
        return ok(post("/v1/completions", body(prompt, extra)));
    }

    /** The answer of a single request (n = 1) for {@code prompt} with seed {@code seed}. */
    private static JsonNode single(Object prompt, long seed) throws Exception {
        JsonNode root = complete(prompt, Map.of("seed", seed));
        assertEquals(1, root.get("choices").size());
        return root;
    }

    @Test
    void nSamplesWithASeedEachReplayAsASingleRequestWithSeedPlusJ() throws Exception {
        JsonNode root = complete(PROMPT, Map.of("n", 3));
        JsonNode choices = root.get("choices");
        assertEquals(3, choices.size());
        int completionTokens = 0;
        for (int j = 0; j < 3; j++) {
            assertEquals(j, choices.get(j).get("index").asInt());
            JsonNode alone = single(PROMPT, SEED + j);
            assertEquals(alone.get("choices").get(0).get("text").asText(), choices.get(j).get("text").asText(),
                    "choice " + j + " is the single request with seed + " + j);
            assertEquals(alone.get("choices").get(0).get("finish_reason").asText(),
                    choices.get(j).get("finish_reason").asText());
            assertEquals(alone.get("usage").get("prompt_tokens").asInt(), root.get("usage").get("prompt_tokens")
                    .asInt(), "the prompt counts once");
            completionTokens += alone.get("usage").get("completion_tokens").asInt();
        }
        assertEquals(completionTokens, root.get("usage").get("completion_tokens").asInt());
        assertTrue(texts(choices).size() > 1, "different seeds gave different samples: " + texts(choices));
    }

    @Test
    void streamedNReassemblesToThePlainChoices() throws Exception {
        JsonNode plain = complete(PROMPT, Map.of("n", 2));
        Streamed stream = streamed(post("/v1/completions", body(PROMPT, Map.of("n", 2, "stream", true,
                "stream_options", Map.of("include_usage", true)))));
        assertEquals(2, stream.texts().size());
        for (int j = 0; j < 2; j++) {
            assertEquals(plain.get("choices").get(j).get("text").asText(), stream.texts().get(j));
            assertEquals(plain.get("choices").get(j).get("finish_reason").asText(), stream.finishes().get(j));
        }
        assertEquals(plain.get("usage").get("completion_tokens").asInt(),
                stream.usage().get("completion_tokens").asInt());
        assertEquals(plain.get("usage").get("prompt_tokens").asInt(), stream.usage().get("prompt_tokens").asInt());
    }

    @Test
    void twoPromptsTimesTwoSamplesComeInVllmsOrder() throws Exception {
        List<String> prompts = List.of(PROMPT, OTHER_PROMPT);
        JsonNode root = complete(prompts, Map.of("n", 2));
        JsonNode choices = root.get("choices");
        assertEquals(4, choices.size());
        int promptTokens = 0;
        for (int p = 0; p < 2; p++) {
            for (int j = 0; j < 2; j++) {
                int index = p * 2 + j;
                assertEquals(index, choices.get(index).get("index").asInt());
                JsonNode alone = single(prompts.get(p), SEED + j);
                assertEquals(alone.get("choices").get(0).get("text").asText(), choices.get(index).get("text").asText(),
                        "choice " + index + " is prompt " + p + " with seed + " + j);
            }
            promptTokens += single(prompts.get(p), SEED).get("usage").get("prompt_tokens").asInt();
        }
        assertEquals(promptTokens, root.get("usage").get("prompt_tokens").asInt(), "each prompt counts once");

        // Token-id prompts too, streamed.
        JsonNode ids = ok(post("/tokenize", Map.of("prompt", OTHER_PROMPT))).get("tokens");
        Streamed stream = streamed(post("/v1/completions", body(List.of(ids, ids), Map.of("stream", true))));
        String fromText = choices.get(2).get("text").asText();
        assertEquals(Map.of(0, fromText, 1, fromText), stream.texts(), "n = 1: each prompt's seed is the seed");
    }

    @Test
    void logprobsMatchTheTextAndTheGreedyChoice() throws Exception {
        int k = 3;
        JsonNode choice = complete(PROMPT, Map.of("temperature", 0, "logprobs", k)).get("choices").get(0);
        JsonNode logprobs = choice.get("logprobs");
        String text = choice.get("text").asText();
        int n = logprobs.get("tokens").size();
        assertTrue(n > 0);
        assertEquals(n, logprobs.get("token_logprobs").size());
        assertEquals(n, logprobs.get("top_logprobs").size());
        assertEquals(n, logprobs.get("text_offset").size());
        // The end-of-turn token (when it ended the text) has a logprob and its own text, but is not text.
        int textTokens = choice.get("finish_reason").asText().equals("stop") ? n - 1 : n;
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String token = logprobs.get("tokens").get(i).asText();
            assertEquals(joined.codePointCount(0, joined.length()), logprobs.get("text_offset").get(i).asInt());
            if (i < textTokens) {
                joined.append(token);
            }
            double logprob = logprobs.get("token_logprobs").get(i).asDouble();
            assertTrue(logprob <= 0);
            JsonNode top = logprobs.get("top_logprobs").get(i);
            assertEquals(k, top.size(), "greedy: the drawn token is among the top k");
            assertEquals(token, top.fieldNames().next(), "the drawn token comes first");
            for (JsonNode alternative : top) {
                assertTrue(alternative.asDouble() <= logprob + 1e-6, "greedy: the drawn token is the top-1");
            }
        }
        assertEquals(text, joined.toString());

        JsonNode zero = complete(PROMPT, Map.of("temperature", 0, "logprobs", 0)).get("choices").get(0);
        assertEquals(text, zero.get("text").asText());
        JsonNode first = zero.get("logprobs").get("top_logprobs").get(0);
        assertEquals(1, first.size(), "logprobs: 0 still returns the drawn token");
        assertEquals(logprobs.get("token_logprobs").get(0).asDouble(),
                zero.get("logprobs").get("token_logprobs").get(0).asDouble(), 1e-6);

        Streamed stream = streamed(post("/v1/completions", body(PROMPT, Map.of("temperature", 0, "logprobs", k,
                "stream", true))));
        assertEquals(text, stream.texts().get(0));
        assertEquals(logprobs, stream.logprobs().get(0), "streamed: the pieces' logprobs join to the whole's");
        assertTrue(stream.logprobChunks().get(0) > 1, "each piece carries its own tokens' logprobs");
    }

    @Test
    void logprobsAreTheChatRoutesForTheSameTokens() throws Exception {
        List<Map<String, String>> messages = List.of(Map.of("role", "user", "content", "What is 2+3?"));
        JsonNode ids = ok(post("/tokenize", Map.of("messages", messages, "add_generation_prompt", true)))
                .get("tokens");
        JsonNode completion = complete(ids, Map.of("temperature", 0, "logprobs", 2)).get("choices").get(0)
                .get("logprobs");
        JsonNode chat = ok(post("/v1/chat/completions", Map.of("messages", messages, "temperature", 0,
                "max_tokens", MAX_TOKENS, "logprobs", true, "top_logprobs", 2))).get("choices").get(0)
                .get("logprobs").get("content");
        int compared = Math.min(chat.size(), completion.get("tokens").size());
        assertTrue(compared > 0);
        for (int i = 0; i < compared; i++) {
            assertEquals(chat.get(i).get("token").asText(), completion.get("tokens").get(i).asText(), "token " + i);
            assertEquals(chat.get(i).get("logprob").asDouble(), completion.get("token_logprobs").get(i).asDouble(),
                    SAME_LOGPROB, "token " + i);
        }
    }

    @Test
    void echoPutsThePromptFirst() throws Exception {
        String text = complete(PROMPT, Map.of()).get("choices").get(0).get("text").asText();
        assertEquals(PROMPT + text, complete(PROMPT, Map.of("echo", true)).get("choices").get(0).get("text")
                .asText());
        JsonNode ids = ok(post("/tokenize", Map.of("prompt", PROMPT))).get("tokens");
        assertEquals(PROMPT + text, complete(ids, Map.of("echo", true)).get("choices").get(0).get("text").asText(),
                "token ids are echoed as their text");
        Streamed stream = streamed(post("/v1/completions", body(PROMPT, Map.of("echo", true, "stream", true))));
        assertEquals(PROMPT + text, stream.texts().get(0));
    }

    @Test
    void badChoiceFieldsAre400sNamingTheField() throws Exception {
        assertRefused(Map.of("n", 2, "best_of", 3), "best_of");
        assertRefused(Map.of("echo", true, "logprobs", 1), "echo");
        assertRefused(Map.of("logprobs", 21), "logprobs");
        assertRefused(Map.of("n", 0), "n");
        assertRefused(Map.of("n", 129), "n");
    }

    private static void assertRefused(Map<String, Object> extra, String param) throws Exception {
        HttpResponse<String> response = post("/v1/completions", body(PROMPT, extra));
        assertEquals(400, response.statusCode(), response.body());
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertEquals(param, error.get("param").asText(), response.body());
        assertTrue(error.get("message").asText().contains(param), response.body());
    }

    private static HashSet<String> texts(JsonNode choices) {
        HashSet<String> texts = new HashSet<>();
        choices.forEach(c -> texts.add(c.get("text").asText()));
        return texts;
    }

    /** A stream folded per choice index: texts, finish reasons (one each), logprobs, and the one usage chunk. */
    private record Streamed(Map<Integer, String> texts, Map<Integer, String> finishes, Map<Integer, JsonNode> logprobs,
            JsonNode usage, Map<Integer, Integer> logprobChunks) {}

    private static Streamed streamed(HttpResponse<String> response) throws IOException {
        assertEquals(200, response.statusCode(), response.body());
        Map<Integer, StringBuilder> texts = new TreeMap<>();
        Map<Integer, String> finishes = new TreeMap<>();
        Map<Integer, JsonNode> logprobs = new TreeMap<>();
        Map<Integer, Integer> logprobChunks = new TreeMap<>();
        JsonNode usage = null;
        List<String> events = response.body().lines().filter(l -> l.startsWith("data: "))
                .map(l -> l.substring("data: ".length())).toList();
        assertEquals("[DONE]", events.get(events.size() - 1));
        for (String event : events.subList(0, events.size() - 1)) {
            JsonNode chunk = JSON.readTree(event);
            assertTrue(chunk.has("choices"), event);
            if (chunk.hasNonNull("usage")) {
                assertEquals(null, usage, "one usage chunk");
                usage = chunk.get("usage");
                continue;
            }
            assertEquals(null, usage, "the usage chunk comes last");
            JsonNode choice = chunk.get("choices").get(0);
            int index = choice.get("index").asInt();
            assertTrue(!finishes.containsKey(index), "nothing after choice " + index + "'s finish chunk");
            texts.computeIfAbsent(index, i -> new StringBuilder()).append(choice.get("text").asText());
            if (!choice.get("logprobs").isNull()) {
                // per chunk, the logprobs of that piece's tokens: joined, they must read as the whole reply's
                JsonNode piece = choice.get("logprobs");
                JsonNode sofar = logprobs.get(index);
                if (sofar == null) {
                    logprobs.put(index, piece.deepCopy());
                } else {
                    for (String field : List.of("text_offset", "token_logprobs", "tokens", "top_logprobs")) {
                        ((com.fasterxml.jackson.databind.node.ArrayNode) sofar.get(field)).addAll(
                                (com.fasterxml.jackson.databind.node.ArrayNode) piece.get(field));
                    }
                }
                logprobChunks.merge(index, 1, Integer::sum);
            }
            if (!choice.get("finish_reason").isNull()) {
                finishes.put(index, choice.get("finish_reason").asText());
            }
        }
        Map<Integer, String> joined = new TreeMap<>();
        texts.forEach((i, t) -> joined.put(i, t.toString()));
        assertEquals(joined.keySet(), finishes.keySet(), "every choice finishes once");
        assertNotEquals(0, joined.size());
        return new Streamed(joined, finishes, logprobs, usage, logprobChunks);
    }
}
