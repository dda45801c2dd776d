package dev.nemotron4j.chat.template.jinja;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import java.util.List;

/**
 * {@code {% if %}...{% elif %}...{% else %}...{% endif %}}: the first branch whose test is true renders.
 * No new scope, as in jinja2: a {@code set} inside an if is visible after it.
 */
final class IfTag extends PyTag {
    private static final long serialVersionUID = 1L;

    IfTag() {
        super("py_if", true);
    }

    @Override
    public String interpret(TagNode node, JinjavaInterpreter interpreter) {
        List<List<Node>> sections = sections(node);
        for (int i = 0; i < sections.size(); i++) {
            List<Node> section = sections.get(i);
            Node head = i == 0 ? node : section.get(0);
            List<Node> body = i == 0 ? section : section.subList(1, section.size());
            boolean isElse = head instanceof TagNode t && t.getTag() instanceof Else;
            if (isElse || PyObjects.truth(eval(interpreter, spec((TagNode) head, interpreter, String.class), head.getLineNumber()))) {
                return render(body, interpreter);
            }
        }
        return "";
    }

    /** The {@code elif} marker inside an if: a section boundary, rendered by {@link IfTag}. */
    static final class Elif extends PyTag {
        private static final long serialVersionUID = 1L;

        Elif() {
            super("py_elif", false);
        }

        @Override
        public String interpret(TagNode node, JinjavaInterpreter interpreter) {
            return "";
        }
    }

    /** The {@code else} marker inside an if or a for. */
    static final class Else extends PyTag {
        private static final long serialVersionUID = 1L;

        Else() {
            super("py_else", false);
        }

        @Override
        public String interpret(TagNode node, JinjavaInterpreter interpreter) {
            return "";
        }
    }
}
