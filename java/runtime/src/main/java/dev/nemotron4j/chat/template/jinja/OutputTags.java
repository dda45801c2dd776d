package dev.nemotron4j.chat.template.jinja;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.tree.TagNode;

/** The tags that produce text: template text, {@code {{ expr }}} output, and the {@code generation} block. */
final class OutputTags {
    private OutputTags() {}

    /** Template text, held in the spec so Jinjava never scans or trims it. */
    static final class Text extends PyTag {
        private static final long serialVersionUID = 1L;

        Text() {
            super("py_text", false);
        }

        @Override
        public String interpret(TagNode node, JinjavaInterpreter interpreter) {
            return spec(node, interpreter, String.class);
        }
    }

    /** {@code {{ expr }}}: Python's {@code str()} of the value, never re-rendered (nested interpretation is off). */
    static final class Print extends PyTag {
        private static final long serialVersionUID = 1L;

        Print() {
            super("py_print", false);
        }

        @Override
        public String interpret(TagNode node, JinjavaInterpreter interpreter) {
            return PyObjects.str(eval(interpreter, spec(node, interpreter, String.class), node.getLineNumber()));
        }
    }

    /** transformers' {@code {% generation %}}: marks assistant text for masks; renders the body as is. */
    static final class Generation extends PyTag {
        private static final long serialVersionUID = 1L;

        Generation() {
            super("py_generation", true);
        }

        @Override
        public String interpret(TagNode node, JinjavaInterpreter interpreter) {
            return render(node.getChildren(), interpreter);
        }
    }
}
