package dev.nemotron4j.chat.template.jinja;

import com.hubspot.jinjava.interpret.InterpretException;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Base of the {@code py_*} tags the {@link Emitter} writes. Jinjava parses them into a tree and calls
 * {@link #interpret}; they evaluate compiled expressions, stop the render at the first error (as jinja2
 * does) and pass {@code break}/{@code continue} up to the enclosing loop with the output so far.
 */
abstract class PyTag implements Tag {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final boolean hasBody;

    PyTag(String name, boolean hasBody) {
        this.name = name;
        this.hasBody = hasBody;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getEndTagName() {
        return hasBody ? "end" + name : null;
    }

    /** Aborts the render with the template's error; Jinjava rethrows InterpretExceptions untouched. */
    static final class Abort extends InterpretException {
        private static final long serialVersionUID = 1L;
        final transient TemplateRuntimeError error;

        Abort(TemplateRuntimeError error) {
            super(error.getMessage());
            this.error = error;
        }
    }

    /** {@code break} or {@code continue} on its way to the loop, carrying the output rendered before it. */
    static final class LoopControl extends InterpretException {
        private static final long serialVersionUID = 1L;
        final boolean isBreak;
        final StringBuilder output = new StringBuilder();

        LoopControl(boolean isBreak) {
            super(isBreak ? "break" : "continue");
            this.isBreak = isBreak;
        }
    }

    static <T> T spec(TagNode node, JinjavaInterpreter interpreter, Class<T> type) {
        return RenderState.of(interpreter).spec(node.getHelpers(), type);
    }

    /** Evaluates a compiled expression; any error ends the render. */
    static Object eval(JinjavaInterpreter interpreter, String el, int line) {
        Object value = interpreter.resolveELExpressionSilently(el);
        if (value != null) {
            return value; // the py: functions never return null, so only a failed evaluation does
        }
        RenderState state = RenderState.of(interpreter);
        if (state.failure() == null) {
            String why = interpreter.getErrorsCopy().stream().filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL)
                    .map(TemplateError::getMessage).reduce((a, b) -> b).orElse("no value");
            state.fail(TemplateRuntimeError.type("cannot evaluate template line " + line + ": " + why));
        }
        throw new Abort(state.failure());
    }

    /** Renders nodes in order; a break or continue leaves with the output so far prepended. */
    static String render(List<Node> nodes, JinjavaInterpreter interpreter) {
        StringBuilder out = new StringBuilder();
        for (Node node : nodes) {
            try {
                out.append(node.render(interpreter).getValue());
            } catch (LoopControl c) {
                c.output.insert(0, out);
                throw c;
            }
        }
        return out.toString();
    }

    /** The children of {@code node} split at its {@code py_elif}/{@code py_else} markers. */
    static List<List<Node>> sections(TagNode node) {
        List<List<Node>> sections = new ArrayList<>();
        sections.add(new ArrayList<>());
        for (Node child : node.getChildren()) {
            if (child instanceof TagNode t && (t.getTag() instanceof IfTag.Elif || t.getTag() instanceof IfTag.Else)) {
                sections.add(new ArrayList<>());
            }
            sections.get(sections.size() - 1).add(child);
        }
        return sections;
    }
}
