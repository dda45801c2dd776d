package dev.nemotron4j.chat.template.jinja;

/**
 * An error jinja2 would raise while rendering: the template called {@code raise_exception}, used an
 * undefined value, applied an operation to the wrong type, or touched something the sandbox forbids.
 */
public final class TemplateRuntimeError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, in the terms of the Python exception jinja2 would raise. */
    public enum Kind {
        /** {@code raise_exception(message)}: the template rejects its input on purpose. */
        RAISED,
        /** {@code UndefinedError}: an attribute, item or call on an undefined value. */
        UNDEFINED,
        /** {@code TypeError}: an operation on values of the wrong type. */
        TYPE,
        /** {@code ValueError}, {@code ZeroDivisionError}, {@code OverflowError} and the like. */
        VALUE,
        /** {@code SecurityError}: the immutable sandbox forbids the access (e.g. {@code list.append}). */
        SECURITY
    }

    private final Kind kind;

    public TemplateRuntimeError(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    static TemplateRuntimeError type(String message) {
        return new TemplateRuntimeError(Kind.TYPE, message);
    }

    static TemplateRuntimeError value(String message) {
        return new TemplateRuntimeError(Kind.VALUE, message);
    }
}
