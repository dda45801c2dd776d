package dev.nemotron4j.chat.template.jinja;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code {% for target in iter [if cond] [recursive] %}...{% else %}...{% endfor %}} with jinja2's
 * semantics: each iteration gets a fresh scope (a {@code set} in the body is gone by the next
 * iteration), the {@code if} filter runs before {@code loop} is counted, {@code else} renders when
 * nothing was iterated, {@code break}/{@code continue} work from any depth inside the body, and a
 * dict iterates over its keys.
 */
final class ForTag extends PyTag {
    private static final long serialVersionUID = 1L;

    ForTag() {
        super("py_for", true);
    }

    @Override
    public String interpret(TagNode node, JinjavaInterpreter interpreter) {
        Specs.ForSpec spec = spec(node, interpreter, Specs.ForSpec.class);
        Object iterable = eval(interpreter, spec.iter(), node.getLineNumber());
        List<List<Node>> sections = sections(node);
        List<Node> otherwise = sections.size() > 1 ? sections.get(1).subList(1, sections.get(1).size()) : List.of();
        return loop(node, interpreter, spec, iterable, sections.get(0), otherwise, 0);
    }

    private String loop(TagNode node, JinjavaInterpreter interpreter, Specs.ForSpec spec, Object iterable,
            List<Node> body, List<Node> otherwise, int depth0) {
        List<Object> items = filtered(interpreter, spec, iterate(interpreter, iterable), node.getLineNumber());
        LoopContext loop = new LoopContext(items, depth0, !spec.recursive() ? null
                : next -> loop(node, interpreter, spec, next, body, List.of(), depth0 + 1));
        StringBuilder out = new StringBuilder();
        for (Object item : items) {
            loop.advance();
            try (var scope = interpreter.enterScope()) {
                Scopes.assign(interpreter, "loop", loop);
                assign(interpreter, spec.target(), item);
                out.append(render(body, interpreter));
            } catch (LoopControl control) {
                out.append(control.output);
                if (control.isBreak) {
                    break;
                }
            }
        }
        if (items.isEmpty()) {
            out.append(render(otherwise, interpreter));
        }
        return out.toString();
    }

    private static List<Object> iterate(JinjavaInterpreter interpreter, Object iterable) {
        try {
            return PyObjects.iterate(iterable);
        } catch (TemplateRuntimeError e) {
            RenderState.of(interpreter).fail(e);
            throw new Abort(e);
        }
    }

    /** The items that pass the loop's {@code if}, each tested with the target bound in a scratch scope. */
    private static List<Object> filtered(JinjavaInterpreter interpreter, Specs.ForSpec spec, List<Object> items, int line) {
        if (spec.filter() == null) {
            return items;
        }
        List<Object> kept = new ArrayList<>();
        for (Object item : items) {
            try (var scope = interpreter.enterScope()) {
                assign(interpreter, spec.target(), item);
                if (PyObjects.truth(eval(interpreter, spec.filter(), line))) {
                    kept.add(item);
                }
            }
        }
        return kept;
    }

    private static void assign(JinjavaInterpreter interpreter, Stmt.Target target, Object item) {
        try {
            Targets.assign(interpreter, target, item);
        } catch (TemplateRuntimeError e) {
            RenderState.of(interpreter).fail(e);
            throw new Abort(e);
        }
    }

    /** {@code {% break %}}: only emitted inside a loop body, which the emitter checks. */
    static final class Break extends PyTag {
        private static final long serialVersionUID = 1L;

        Break() {
            super("py_break", false);
        }

        @Override
        public String interpret(TagNode node, JinjavaInterpreter interpreter) {
            throw new LoopControl(true);
        }
    }

    /** {@code {% continue %}}. */
    static final class Continue extends PyTag {
        private static final long serialVersionUID = 1L;

        Continue() {
            super("py_continue", false);
        }

        @Override
        public String interpret(TagNode node, JinjavaInterpreter interpreter) {
            throw new LoopControl(false);
        }
    }
}
