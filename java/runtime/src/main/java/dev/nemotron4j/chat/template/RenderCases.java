package dev.nemotron4j.chat.template;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.InvalidRequestException;
import dev.nemotron4j.ModelLoadException;
import dev.nemotron4j.NemotronException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A file of render cases in the format of {@code models/chat-template/golden_renders.json}: {@code
 * {"renderer": ..., "cases": [{"name", "messages", "tools"?, "add_generation_prompt",
 * "continue_final_message"?, "kwargs"?, "template"?, "expected" | "error"}]}}, where {@code template}
 * replaces the model's template for that case, {@code kwargs} are extra template variables, and a case
 * with {@code error} (the Python exception) must fail to render. {@link #check} renders one case and
 * says where it differs.
 */
public final class RenderCases {
    private static final int EXCERPT = 24;

    private RenderCases() {}

    /** One case: the request, an optional template override, and the expected text or error. */
    public record Case(String name, String template, RenderRequest request, String expected, String error) {
        public boolean expectsError() {
            return expected == null;
        }
    }

    /**
     * The outcome of one case. On a mismatch {@code firstDifference} is the first differing char index
     * (-1 on a match) and the excerpts show the text around it; {@code error} is the render's error, if any.
     */
    public record Result(String name, boolean match, int firstDifference, String expectedExcerpt,
            String actualExcerpt, String error) {}

    @SuppressWarnings("unchecked")
    public static List<Case> read(Path file) {
        Map<String, Object> root;
        try {
            root = new ObjectMapper().readValue(file.toFile(), new TypeReference<Map<String, Object>>() {});
        } catch (IOException e) {
            throw new ModelLoadException("cannot read render cases " + file + ": " + e.getMessage(), e);
        }
        if (!(root.get("cases") instanceof List<?> cases)) {
            throw new ModelLoadException(file + ": no \"cases\" list");
        }
        List<Case> out = new ArrayList<>();
        for (Object c : cases) {
            Map<String, Object> m = (Map<String, Object>) c;
            String name = String.valueOf(m.get("name"));
            try {
                RenderRequest request = RenderRequest.builder()
                        .messages((List<Map<String, Object>>) m.get("messages"))
                        .tools((List<Map<String, Object>>) m.get("tools"))
                        .addGenerationPrompt(Boolean.TRUE.equals(m.get("add_generation_prompt")))
                        .continueFinalMessage(Boolean.TRUE.equals(m.get("continue_final_message")))
                        .templateKwargs((Map<String, Object>) m.get("kwargs")).build();
                if (m.get("expected") == null && m.get("error") == null) {
                    throw new ModelLoadException(file + ": case " + name + " has neither \"expected\" nor \"error\"");
                }
                out.add(new Case(name, (String) m.get("template"), request, (String) m.get("expected"),
                        (String) m.get("error")));
            } catch (ClassCastException | NullPointerException | InvalidRequestException e) {
                throw new ModelLoadException(file + ": case " + name + " is malformed: " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Renders a case with {@code template} (or the case's own template with its special tokens) and compares. */
    public static Result check(ChatTemplate template, Case c) {
        String actual;
        try {
            ChatTemplate t = c.template() == null ? template : template.withSource(c.template());
            actual = t.render(c.request());
        } catch (NemotronException e) {
            return c.expectsError() ? new Result(c.name(), true, -1, "", "", e.getMessage())
                    : new Result(c.name(), false, 0, excerpt(c.expected(), 0), "error: " + e.getMessage(), e.getMessage());
        }
        if (c.expectsError()) {
            return new Result(c.name(), false, 0, "error: " + c.error(), excerpt(actual, 0), null);
        }
        int at = firstDifference(c.expected(), actual);
        return at < 0 ? new Result(c.name(), true, -1, "", "", null)
                : new Result(c.name(), false, at, excerpt(c.expected(), at), excerpt(actual, at), null);
    }

    static int firstDifference(String expected, String actual) {
        int n = Math.min(expected.length(), actual.length());
        for (int i = 0; i < n; i++) {
            if (expected.charAt(i) != actual.charAt(i)) {
                return i;
            }
        }
        return expected.length() == actual.length() ? -1 : n;
    }

    private static String excerpt(String s, int at) {
        return s.substring(Math.max(0, at - EXCERPT), Math.min(s.length(), at + EXCERPT));
    }
}
