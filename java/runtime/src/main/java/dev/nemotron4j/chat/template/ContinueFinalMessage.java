package dev.nemotron4j.chat.template;

import dev.nemotron4j.InvalidRequestException;
import dev.nemotron4j.chat.template.jinja.PyStrings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code continue_final_message} as transformers 5.x implements it (render_jinja_template): append
 * {@code "CONTINUE_FINAL_MESSAGE_TAG "} to the final message's text (its last text part for a list of
 * parts), render, then cut at the last occurrence of the tag, also dropping trailing whitespace when
 * the template stripped the space after the tag. So a template that appends an end-of-turn token after
 * the message loses it, and one that strips the message is matched where it stripped it.
 */
final class ContinueFinalMessage {
    static final String TAG = "CONTINUE_FINAL_MESSAGE_TAG ";

    /** The messages to render (final one tagged) and the final text as it was, for the check afterwards. */
    record Marked(List<Map<String, Object>> messages, String finalText) {}

    private ContinueFinalMessage() {}

    static Marked mark(List<Map<String, Object>> messages, String templateSource) {
        if (messages.isEmpty()) {
            throw new InvalidRequestException("continueFinalMessage needs a final message to continue; messages is empty");
        }
        Map<String, Object> last = new LinkedHashMap<>(messages.get(messages.size() - 1));
        if (!"assistant".equals(last.get("role"))) {
            throw new InvalidRequestException("continueFinalMessage continues the assistant's message, but the last "
                    + "message's role is '" + last.get("role") + "'");
        }
        Object content = last.get("content");
        if (content == null) {
            throw new InvalidRequestException("continueFinalMessage is set but the final message has no \"content\" to continue");
        }
        if (!templateSource.contains("content")) {
            throw new InvalidRequestException("continueFinalMessage is set but the chat template never reads \"content\"");
        }
        String finalText;
        if (content instanceof List<?> parts) {
            List<Object> tagged = new ArrayList<>(parts);
            int at = lastTextPart(tagged);
            @SuppressWarnings("unchecked")
            Map<String, Object> part = new LinkedHashMap<>((Map<String, Object>) tagged.get(at));
            if (!(part.get("text") instanceof String text)) {
                throw new InvalidRequestException("continueFinalMessage: the final text part's \"text\" must be a string");
            }
            finalText = text;
            part.put("text", finalText + TAG);
            tagged.set(at, part);
            last.put("content", tagged);
        } else if (content instanceof String text) {
            finalText = text;
            last.put("content", text + TAG);
        } else {
            throw new InvalidRequestException("continueFinalMessage: the final message's content must be a string or "
                    + "a list of parts, not " + content.getClass().getSimpleName());
        }
        List<Map<String, Object>> out = new ArrayList<>(messages.subList(0, messages.size() - 1));
        out.add(last);
        return new Marked(out, finalText);
    }

    private static int lastTextPart(List<Object> parts) {
        for (int i = parts.size() - 1; i >= 0; i--) {
            if (parts.get(i) instanceof Map<?, ?> part && part.containsKey("text")) {
                return i;
            }
        }
        throw new InvalidRequestException("continueFinalMessage is set but the final message has no text part to continue");
    }

    static String cut(String rendered, String finalText) {
        String tag = TAG.strip();
        if (!rendered.contains(PyStrings.strip(finalText)) || !rendered.contains(tag)) {
            throw new InvalidRequestException("continueFinalMessage is set but the final message does not appear in "
                    + "the rendered chat: the chat template deletes parts of it");
        }
        int at = rendered.lastIndexOf(tag);
        if (rendered.startsWith(TAG, at)) {
            return rendered.substring(0, at);
        }
        return PyStrings.rstrip(rendered.substring(0, at));
    }
}
