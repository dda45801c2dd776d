package dev.nemotron4j.chat;

import dev.nemotron4j.ReplyStart;
import dev.nemotron4j.chat.template.ChatTemplate;
import dev.nemotron4j.chat.template.RenderRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A chat template as sessions use it: a conversation in, the prompt text out. */
public final class PromptRenderer {
    private final ChatTemplate template;

    private PromptRenderer(ChatTemplate template) {
        this.template = template;
    }

    static PromptRenderer fromModelFolder(Path dir) {
        return new PromptRenderer(ChatTemplate.fromModelFolder(dir));
    }

    /** The same special tokens (bos/eos) with another template source (a caller's override). */
    PromptRenderer withSource(String source) {
        return new PromptRenderer(template.withSource(source));
    }

    public String render(List<Map<String, Object>> messages, List<Map<String, Object>> tools, Map<String, Object> kwargs,
            boolean addGenerationPrompt) {
        return template.render(RenderRequest.builder().messages(messages).tools(tools).templateKwargs(kwargs)
                .addGenerationPrompt(addGenerationPrompt).build());
    }

    /** The prompt whose end is {@code start}: a new assistant turn, the final message left open, or neither. */
    public String render(List<Map<String, Object>> messages, List<Map<String, Object>> tools, Map<String, Object> kwargs,
            ReplyStart start) {
        return template.render(RenderRequest.builder().messages(messages).tools(tools).templateKwargs(kwargs)
                .addGenerationPrompt(start == ReplyStart.NEW_ASSISTANT_MESSAGE)
                .continueFinalMessage(start == ReplyStart.CONTINUE_FINAL_MESSAGE).build());
    }
}
