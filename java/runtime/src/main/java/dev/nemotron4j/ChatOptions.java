package dev.nemotron4j;

import java.util.List;
import java.util.Map;

/**
 * How a chat session starts. Immutable; {@link #builder()}.
 *
 * @param system         the system prompt, or null for none
 * @param thinking       true adds {@code /think} to the system prompt, false {@code /no_think} (the Nemotron
 *                       Nano 2 template's switches), null leaves the prompts as they are
 * @param tools          OpenAI-style tool definitions ({@code {"type":"function","function":{…}}}), may be empty
 * @param templateKwargs extra variables for the chat template (e.g. {@code enable_thinking} of other templates)
 * @param chatTemplate   a Jinja chat template to use instead of the model folder's, or null
 * @param toolChoice     whether and which tool the model must call ({@link ToolChoice}; AUTO by default):
 *                       NONE keeps the tools from the template; REQUIRED needs at least one tool; a
 *                       function must be one of the tools. The forced choices constrain the answer to a
 *                       well-formed call (names and JSON syntax, not the tools' argument schemas)
 * @param parallelToolCalls OpenAI's {@code parallel_tool_calls} (true by default): false makes a REQUIRED
 *                       choice exactly one call; calls the model makes on its own (AUTO) are not limited
 * @throws InvalidRequestException when the tool choice does not fit the tools
 */
public record ChatOptions(String system, Boolean thinking, List<Map<String, Object>> tools,
        Map<String, Object> templateKwargs, String chatTemplate, ToolChoice toolChoice, boolean parallelToolCalls) {
    public ChatOptions {
        tools = List.copyOf(tools);
        templateKwargs = Map.copyOf(templateKwargs);
        toolChoice = toolChoice == null ? ToolChoice.AUTO : toolChoice;
        toolChoice.check(tools);
    }

    public static ChatOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().system(system).thinking(thinking).tools(tools).templateKwargs(templateKwargs)
                .chatTemplate(chatTemplate).toolChoice(toolChoice).parallelToolCalls(parallelToolCalls);
    }

    /** The system prompt as the template receives it (with the thinking switch appended). */
    String systemContent() {
        String base = system == null ? "" : system;
        if (thinking == null) {
            return system;
        }
        String flag = thinking ? "/think" : "/no_think";
        return base.isEmpty() ? flag : base + " " + flag;
    }

    /** Builder for {@link ChatOptions}. */
    public static final class Builder {
        private String system;
        private Boolean thinking;
        private List<Map<String, Object>> tools = List.of();
        private Map<String, Object> templateKwargs = Map.of();
        private String chatTemplate;
        private ToolChoice toolChoice = ToolChoice.AUTO;
        private boolean parallelToolCalls = true;

        private Builder() {}

        /** False: a REQUIRED choice makes exactly one call (default true: one or more). */
        public Builder parallelToolCalls(boolean v) {
            parallelToolCalls = v;
            return this;
        }

        /** AUTO (the default), NONE, REQUIRED or {@link ToolChoice#function(String)}. */
        public Builder toolChoice(ToolChoice v) {
            toolChoice = v;
            return this;
        }

        public Builder chatTemplate(String v) {
            chatTemplate = v;
            return this;
        }

        public Builder system(String v) {
            system = v;
            return this;
        }

        public Builder thinking(Boolean v) {
            thinking = v;
            return this;
        }

        public Builder tools(List<Map<String, Object>> v) {
            tools = v;
            return this;
        }

        public Builder templateKwargs(Map<String, Object> v) {
            templateKwargs = v;
            return this;
        }

        public ChatOptions build() {
            return new ChatOptions(system, thinking, tools, templateKwargs, chatTemplate, toolChoice,
                    parallelToolCalls);
        }
    }
}
