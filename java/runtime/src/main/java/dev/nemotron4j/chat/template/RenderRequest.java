package dev.nemotron4j.chat.template;

import dev.nemotron4j.InvalidRequestException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What to render with a {@link ChatTemplate}: the arguments of transformers'
 * {@code apply_chat_template(messages, tools=..., add_generation_prompt=..., continue_final_message=...,
 * **kwargs)}.
 *
 * <p>Messages and tools are JSON-shaped maps as in the OpenAI / Hugging Face format: {@code role},
 * {@code content} (a string, a list of parts such as {@code {"type": "text", "text": ...}}, or null),
 * and optionally {@code tool_calls}, {@code name}, {@code tool_call_id}, {@code reasoning_content}...
 * A null {@code tools} is Python's {@code None} (no tools); an empty list is passed as an empty list.
 * {@code templateKwargs} are extra template variables such as {@code enable_thinking}.
 *
 * @param messages the conversation, oldest first
 * @param tools tool (function) schemas, or null for none
 * @param addGenerationPrompt whether to end with the header of a new assistant turn
 * @param continueFinalMessage whether to leave the final (assistant) message open for the model to
 *     continue, cut exactly where transformers cuts it
 * @param templateKwargs extra variables for the template; they override the special tokens
 */
public record RenderRequest(List<Map<String, Object>> messages, List<Map<String, Object>> tools,
        boolean addGenerationPrompt, boolean continueFinalMessage, Map<String, Object> templateKwargs) {
    /** Names transformers passes itself; a kwarg with one of them is a TypeError there. */
    static final Set<String> RESERVED = Set.of("messages", "tools", "documents", "add_generation_prompt");

    public RenderRequest {
        if (messages == null) {
            throw new InvalidRequestException("messages must not be null");
        }
        messages = copyMaps(messages, "messages");
        tools = tools == null ? null : copyMaps(tools, "tools");
        templateKwargs = templateKwargs == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(templateKwargs));
        for (String name : templateKwargs.keySet()) {
            if (RESERVED.contains(name)) {
                throw new InvalidRequestException("templateKwargs: '" + name + "' is set by the request itself");
            }
        }
        if (addGenerationPrompt && continueFinalMessage) {
            throw new InvalidRequestException("addGenerationPrompt and continueFinalMessage are not compatible: "
                    + "continue the final message, or start a new assistant message, not both");
        }
    }

    private static List<Map<String, Object>> copyMaps(List<Map<String, Object>> maps, String field) {
        List<Map<String, Object>> out = new ArrayList<>(maps.size());
        for (int i = 0; i < maps.size(); i++) {
            if (maps.get(i) == null) {
                throw new InvalidRequestException(field + "[" + i + "] must not be null");
            }
            out.add(Collections.unmodifiableMap(new LinkedHashMap<>(maps.get(i))));
        }
        return Collections.unmodifiableList(out);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().messages(messages).tools(tools).addGenerationPrompt(addGenerationPrompt)
                .continueFinalMessage(continueFinalMessage).templateKwargs(templateKwargs);
    }

    /** Builds a {@link RenderRequest}; nothing is required but the messages. */
    public static final class Builder {
        private final List<Map<String, Object>> messages = new ArrayList<>();
        private List<Map<String, Object>> tools;
        private boolean addGenerationPrompt;
        private boolean continueFinalMessage;
        private final Map<String, Object> templateKwargs = new LinkedHashMap<>();

        private Builder() {}

        /** Replaces the messages. */
        public Builder messages(List<Map<String, Object>> messages) {
            this.messages.clear();
            this.messages.addAll(messages);
            return this;
        }

        /** Appends a message with a role and content (a string, a list of parts, or null). */
        public Builder message(String role, Object content) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("role", role);
            m.put("content", content);
            messages.add(m);
            return this;
        }

        public Builder tools(List<Map<String, Object>> tools) {
            this.tools = tools;
            return this;
        }

        public Builder addGenerationPrompt(boolean addGenerationPrompt) {
            this.addGenerationPrompt = addGenerationPrompt;
            return this;
        }

        public Builder continueFinalMessage(boolean continueFinalMessage) {
            this.continueFinalMessage = continueFinalMessage;
            return this;
        }

        /** Replaces the extra template variables. */
        public Builder templateKwargs(Map<String, Object> kwargs) {
            templateKwargs.clear();
            if (kwargs != null) {
                templateKwargs.putAll(kwargs);
            }
            return this;
        }

        public Builder templateKwarg(String name, Object value) {
            templateKwargs.put(name, value);
            return this;
        }

        public RenderRequest build() {
            return new RenderRequest(messages, tools, addGenerationPrompt, continueFinalMessage, templateKwargs);
        }
    }
}
