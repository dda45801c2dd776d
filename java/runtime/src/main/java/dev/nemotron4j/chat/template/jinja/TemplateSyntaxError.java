package dev.nemotron4j.chat.template.jinja;

/**
 * A template that jinja2 would refuse to compile: bad syntax, an unknown tag or filter, a {@code break}
 * outside a loop, or a construct this engine does not support. The message names the line.
 */
public final class TemplateSyntaxError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int line;

    public TemplateSyntaxError(String message, int line) {
        super(message + " (template line " + line + ")");
        this.line = line;
    }

    /** The 1-based line of the template where the problem was found. */
    public int line() {
        return line;
    }
}
