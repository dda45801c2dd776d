package dev.nemotron4j.server.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.Usage;
import dev.nemotron4j.generation.SampledToken;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The OpenAI response objects of {@code /v1/completions}: {@code text_completion}, one JSON object or one
 * per server-sent event (vLLM streams the same object type), with the same id and created time; and the
 * legacy completions {@code logprobs} ({@code tokens}, {@code token_logprobs}, {@code top_logprobs},
 * {@code text_offset}).
 */
public final class CompletionResponses {
    /** vLLM's floor for a log-probability: -inf (a token masked out) is not JSON, clients read this as "never". */
    private static final float IMPOSSIBLE = -9999f;

    /** vLLM streams the same object type as it answers whole. */
    private static final String OBJECT = "text_completion";

    private final ObjectMapper mapper;
    private final ResponseHead head;

    public CompletionResponses(ObjectMapper mapper, String id, long created, String model) {
        this.mapper = mapper;
        this.head = new ResponseHead(mapper, id, created, model);
    }

    /** The whole completion: its {@link #choice choices}, in index order, and the usage over all of them. */
    public ObjectNode completion(List<ObjectNode> choices, Usage usage) {
        ObjectNode root = head.start(OBJECT);
        root.putArray("choices").addAll(choices);
        root.set("usage", ChatResponses.usage(mapper, usage));
        return root;
    }

    /** One choice: its text (the whole, or a streamed piece), {@code logprobs} (or null) and finish reason. */
    public ObjectNode choice(int index, String text, JsonNode logprobs, String finishReason) {
        ObjectNode choice = mapper.createObjectNode();
        choice.put("index", index);
        choice.put("text", text);
        choice.set("logprobs", logprobs);
        choice.put("finish_reason", finishReason);
        return choice;
    }

    /** One streamed event: a piece of choice {@code index}'s text (maybe empty, the finish reason on its last). */
    public ObjectNode chunk(int index, String text, JsonNode logprobs, String finishReason) {
        ObjectNode root = head.start(OBJECT);
        root.putArray("choices").add(choice(index, text, logprobs, finishReason));
        return root;
    }

    /** The last chunk of {@code stream_options.include_usage}: no choices, only the usage. */
    public ObjectNode usageChunk(Usage usage) {
        return head.usageChunk(OBJECT, usage);
    }

    /**
     * The legacy completions {@code logprobs} as vLLM's {@code _create_completion_logprobs} writes them: per
     * token its text (the token decoded alone, by {@code text}), its log-probability, a {@code top_logprobs}
     * object holding the drawn token first and then the {@code k} most likely alternatives (so k + 1 entries,
     * or k when the drawn one is among them; one text keeps one entry), and {@code text_offset}, where the
     * token's text starts in the choice's text counted in Unicode code points (Python's {@code len}).
     */
    public ObjectNode logprobs(List<SampledToken> tokens, int k, IntFunction<String> text) {
        return logprobs(tokens, k, text, 0);
    }

    /**
     * As {@link #logprobs(List, int, IntFunction)} for a streamed piece: {@code text_offset} counts on from
     * {@code firstOffset}, where the piece's first token starts in the choice's text.
     */
    public ObjectNode logprobs(List<SampledToken> tokens, int k, IntFunction<String> text, int firstOffset) {
        ObjectNode root = mapper.createObjectNode();
        ArrayNode offsets = root.putArray("text_offset");
        ArrayNode logprobs = root.putArray("token_logprobs");
        ArrayNode texts = root.putArray("tokens");
        ArrayNode top = root.putArray("top_logprobs");
        int offset = firstOffset;
        for (SampledToken t : tokens) {
            String token = text.apply(t.token());
            offsets.add(offset);
            offset += token.codePointCount(0, token.length());
            logprobs.add(finite(t.logprob()));
            texts.add(token);
            ObjectNode alternatives = top.addObject();
            alternatives.put(token, finite(t.logprob()));
            for (SampledToken.TopLogprob alt : t.top().subList(0, Math.min(k, t.top().size()))) {
                alternatives.put(text.apply(alt.token()), finite(alt.logprob()));
            }
        }
        return root;
    }

    /** Where the text after a {@link #logprobs} node's tokens starts: its last offset plus that token's length. */
    public static int endOffset(JsonNode logprobs) {
        JsonNode offsets = logprobs.get("text_offset");
        if (offsets.isEmpty()) {
            return 0;
        }
        String last = logprobs.get("tokens").get(offsets.size() - 1).asText();
        return offsets.get(offsets.size() - 1).asInt() + last.codePointCount(0, last.length());
    }

    private static float finite(float logprob) {
        return Float.isNaN(logprob) || logprob < IMPOSSIBLE ? IMPOSSIBLE : logprob;
    }
}
