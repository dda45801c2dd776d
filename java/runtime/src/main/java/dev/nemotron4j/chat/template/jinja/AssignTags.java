package dev.nemotron4j.chat.template.jinja;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.tree.TagNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The tags that bind names: {@code {% set %}} (to a name, a tuple or {@code ns.attr}), the block form
 * {@code {% set x | filter %}...{% endset %}}, {@code {% with %}}, and {@code {% filter %}} blocks, which
 * capture their body's text the same way.
 */
final class AssignTags {
    private AssignTags() {}

    static void assign(JinjavaInterpreter interpreter, Stmt.Target target, Object value) {
        try {
            Targets.assign(interpreter, target, value);
        } catch (TemplateRuntimeError e) {
            RenderState.of(interpreter).fail(e);
            throw new PyTag.Abort(e);
        }
    }

    /** Renders a block's body in its own scope and runs the filter chain (if any) on the text. */
    static Object capture(TagNode node, JinjavaInterpreter interpreter, String filter) {
        try (var scope = interpreter.enterScope()) {
            String text = PyTag.render(node.getChildren(), interpreter);
            if (filter == null) {
                return text;
            }
            Scopes.assign(interpreter, ElCompiler.CAPTURED, text);
            return PyTag.eval(interpreter, filter, node.getLineNumber());
        }
    }

    static final class Set extends PyTag {
        private static final long serialVersionUID = 1L;

        Set() {
            super("py_set", false);
        }

        @Override
        public String interpret(TagNode node, JinjavaInterpreter interpreter) {
            Specs.SetSpec spec = spec(node, interpreter, Specs.SetSpec.class);
            assign(interpreter, spec.target(), eval(interpreter, spec.value(), node.getLineNumber()));
            return "";
        }
    }

    static final class SetBlock extends PyTag {
        private static final long serialVersionUID = 1L;

        SetBlock() {
            super("py_setblock", true);
        }

        @Override
        public String interpret(TagNode node, JinjavaInterpreter interpreter) {
            Specs.BlockSetSpec spec = spec(node, interpreter, Specs.BlockSetSpec.class);
            assign(interpreter, spec.target(), capture(node, interpreter, spec.filter()));
            return "";
        }
    }

    static final class FilterBlock extends PyTag {
        private static final long serialVersionUID = 1L;

        FilterBlock() {
            super("py_filterblock", true);
        }

        @Override
        public String interpret(TagNode node, JinjavaInterpreter interpreter) {
            return PyObjects.str(capture(node, interpreter, spec(node, interpreter, String.class)));
        }
    }

    /** {@code {% with a=1, b=2 %}}: values evaluated outside, bound in a new scope for the body. */
    static final class With extends PyTag {
        private static final long serialVersionUID = 1L;

        With() {
            super("py_with", true);
        }

        @Override
        public String interpret(TagNode node, JinjavaInterpreter interpreter) {
            Specs.WithSpec spec = spec(node, interpreter, Specs.WithSpec.class);
            List<Object> values = new ArrayList<>();
            spec.values().forEach(v -> values.add(eval(interpreter, v, node.getLineNumber())));
            try (var scope = interpreter.enterScope()) {
                for (int i = 0; i < values.size(); i++) {
                    assign(interpreter, spec.targets().get(i), values.get(i));
                }
                return render(node.getChildren(), interpreter);
            }
        }
    }
}
