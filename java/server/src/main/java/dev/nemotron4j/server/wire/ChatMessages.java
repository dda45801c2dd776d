package dev.nemotron4j.server.wire;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.server.errors.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code messages} array of {@code /v1/chat/completions} and {@code /tokenize}, as the chat template
 * reads it: system / user / assistant / tool roles; content as a string or a list of {@code {"type":
 * "text", "text"}} parts (joined, as vLLM does for text-only models); assistant {@code tool_calls} and
 * the {@code tool_call_id} of tool results passed on. Every error is a 400 naming {@code messages}.
 */
final class ChatMessages {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};
    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");
    private static final String FIELD = "messages";

    private ChatMessages() {}

    static List<Map<String, Object>> parse(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw ApiException.badRequest("messages must be a non-empty array", FIELD);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode m : node) {
            if (!m.isObject()) {
                throw ApiException.badRequest("each message must be an object", FIELD);
            }
            String role = m.path("role").asText(null);
            if (role == null || !ROLES.contains(role)) {
                throw ApiException.badRequest("each message needs a role of system, user, assistant or tool; got "
                        + m.path("role"), FIELD);
            }
            JsonNode calls = m.get("tool_calls");
            boolean hasCalls = "assistant".equals(role) && calls != null && !calls.isNull();
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("role", role);
            message.put("content", content(m.get("content"), hasCalls));
            if (hasCalls) {
                message.put("tool_calls", toolCalls(calls));
            }
            if ("tool".equals(role)) {
                copyText(m, "tool_call_id", message);
            }
            copyText(m, "name", message);
            out.add(message);
        }
        return out;
    }

    /** A string, or text parts joined by newlines; null or absent only beside tool calls (then ""). */
    static String content(JsonNode content, boolean optional) {
        if ((content == null || content.isNull()) && optional) {
            return "";
        }
        if (content != null && content.isTextual()) {
            return content.asText();
        }
        if (content != null && content.isArray()) {
            List<String> texts = new ArrayList<>();
            for (JsonNode part : content) {
                if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw ApiException.badRequest("content parts must be {\"type\": \"text\", \"text\": …} (this "
                            + "model reads text only); got " + part, FIELD);
                }
                texts.add(part.get("text").asText());
            }
            return String.join("\n", texts);
        }
        throw ApiException.badRequest("message content must be a string or a list of text parts", FIELD);
    }

    private static List<Map<String, Object>> toolCalls(JsonNode calls) {
        if (!calls.isArray()) {
            throw ApiException.badRequest("tool_calls must be a list", FIELD);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode call : calls) {
            JsonNode function = call.get("function");
            if (function == null || !function.path("name").isTextual()) {
                throw ApiException.badRequest("each tool call needs function.name", FIELD);
            }
            JsonNode arguments = function.get("arguments");
            if (arguments != null && !arguments.isTextual() && !arguments.isObject()) {
                throw ApiException.badRequest("function.arguments must be a JSON string or an object", FIELD);
            }
            out.add(MAPPER.convertValue(call, OBJECT));
        }
        return out;
    }

    /** A JSON object as the template's map (for {@code tools} and {@code chat_template_kwargs}). */
    static Map<String, Object> object(JsonNode node) {
        return MAPPER.convertValue(node, OBJECT);
    }

    private static void copyText(JsonNode m, String field, Map<String, Object> message) {
        JsonNode value = m.get(field);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isTextual()) {
            throw ApiException.badRequest(field + " must be a string", FIELD);
        }
        message.put(field, value.asText());
    }
}
