package dev.nemotron4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Whether and which tool the model must call, OpenAI's {@code tool_choice}:
 * <ul>
 *   <li>{@link #AUTO} (the default): the model decides; calls it writes are parsed.</li>
 *   <li>{@link #NONE}: the tools do not reach the chat template, so the model is not offered them, and
 *       nothing is parsed as a call.</li>
 *   <li>{@link #REQUIRED}: the answer is one or more calls, each to one of the tools.</li>
 *   <li>{@link #function(String)}: the answer is exactly one call, to that tool.</li>
 * </ul>
 * The two forced choices work as in vLLM, by constrained decoding: once the reasoning (if any) has
 * ended, every token is drawn from those the grammar of a tool-call block still allows, so the answer is
 * a well-formed {@code <TOOLCALL>[…]</TOOLCALL>} whose calls name allowed tools and whose arguments are a
 * syntactically valid JSON object (see {@link dev.nemotron4j.generation.constraint.ToolCallGrammar}). The
 * arguments are <em>not</em> checked against each tool's JSON schema (types, required properties, enums).
 * The reply ends with {@link FinishReason#TOOL_CALLS}, unless {@code maxTokens} (or a stop string the
 * caller set) ends it first.
 *
 * @param kind the choice
 * @param name the function's name for {@link Kind#FUNCTION}; null otherwise
 */
public record ToolChoice(Kind kind, String name) {
    /** The kinds of choice. */
    public enum Kind { AUTO, NONE, REQUIRED, FUNCTION }

    public static final ToolChoice AUTO = new ToolChoice(Kind.AUTO, null);
    public static final ToolChoice NONE = new ToolChoice(Kind.NONE, null);
    public static final ToolChoice REQUIRED = new ToolChoice(Kind.REQUIRED, null);

    /**
     * Function names a forced choice accepts: OpenAI's {@code ^[a-zA-Z0-9_-]{1,64}$} plus dots and colons
     * (namespaced tools). The grammar writes the name inside a JSON string and the token mask spells it from
     * whole tokens, so quotes, escapes and characters only byte pieces cover could never be drawn.
     */
    static final java.util.regex.Pattern SPELLABLE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    public ToolChoice {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.FUNCTION && (name == null || name.isBlank())) {
            throw new InvalidRequestException("toolChoice: a function choice needs the function's name");
        }
        if (kind != Kind.FUNCTION && name != null) {
            throw new InvalidRequestException("toolChoice: only a function choice has a name");
        }
    }

    /** The model must call the function {@code name} (one of the session's tools), once. */
    public static ToolChoice function(String name) {
        return new ToolChoice(Kind.FUNCTION, name);
    }

    /** Whether the answer must be a tool call (REQUIRED or a function). */
    public boolean forced() {
        return kind == Kind.REQUIRED || kind == Kind.FUNCTION;
    }

    /**
     * Checks the choice against the tools a session offers.
     *
     * @throws InvalidRequestException when REQUIRED has no tools, a function is not among them, or a forced
     *                                 choice meets a tool without a function name or with one the
     *                                 constrained decoding cannot spell ({@link #SPELLABLE_NAME})
     */
    void check(List<Map<String, Object>> tools) {
        if (!forced()) {
            return;
        }
        List<String> names = functionNames(tools);
        for (String n : names) {
            if (!SPELLABLE_NAME.matcher(n).matches()) {
                throw new InvalidRequestException("toolChoice: a forced call's function name must be 1 to 64 of "
                        + "A-Z a-z 0-9 _ - . : (OpenAI's rule, with dots and colons), got \"" + n + "\"");
            }
        }
        if (kind == Kind.REQUIRED && names.isEmpty()) {
            throw new InvalidRequestException("toolChoice: REQUIRED needs at least one tool");
        }
        if (kind == Kind.FUNCTION && !names.contains(name)) {
            throw new InvalidRequestException("toolChoice: the function \"" + name + "\" is not one of the tools "
                    + names);
        }
    }

    /**
     * The function names of OpenAI tool definitions ({@code {"type":"function","function":{"name":…}}}).
     *
     * @throws InvalidRequestException naming the first tool without a function name
     */
    static List<String> functionNames(List<Map<String, Object>> tools) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < tools.size(); i++) {
            Object function = tools.get(i).get("function");
            Object name = function instanceof Map<?, ?> f ? f.get("name") : null;
            if (!(name instanceof String s) || s.isBlank()) {
                throw new InvalidRequestException("tools[" + i + "]: a forced toolChoice needs every tool to be "
                        + "{\"type\": \"function\", \"function\": {\"name\": …}}");
            }
            names.add(s);
        }
        return names;
    }
}
