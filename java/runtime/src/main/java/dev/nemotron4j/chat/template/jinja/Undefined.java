package dev.nemotron4j.chat.template.jinja;

/**
 * jinja2's default {@code Undefined}: what a missing variable, key, attribute or index evaluates to. It
 * renders as the empty string, is falsy, iterates as empty and has length 0; any attribute, item,
 * call, arithmetic or ordering on it raises {@code UndefinedError} with the hint it carries.
 */
record Undefined(String hint, boolean unsafe) {
    Undefined(String hint) {
        this(hint, false);
    }

    static Undefined name(String name) {
        return new Undefined("'" + name + "' is undefined");
    }

    /** jinja2's message for {@code obj.name} / {@code obj['name']} that found nothing. */
    static Undefined attribute(Object obj, Object name) {
        String type = obj == PyNone.NONE ? "None" : PyObjects.typeName(obj) + " object"; // jinja2's object_type_repr
        if (name instanceof String s) {
            return new Undefined(PyObjects.repr(type) + " has no attribute " + PyObjects.repr(s));
        }
        return new Undefined(type + " has no element " + PyObjects.repr(name));
    }

    /** What the immutable sandbox returns for a mutating method such as {@code list.append}. */
    static Undefined unsafe(Object obj, String name) {
        return new Undefined("access to attribute " + PyObjects.repr(name) + " of " + PyObjects.repr(PyObjects.typeName(obj))
                + " object is unsafe.", true);
    }

    TemplateRuntimeError error() {
        return new TemplateRuntimeError(unsafe ? TemplateRuntimeError.Kind.SECURITY : TemplateRuntimeError.Kind.UNDEFINED, hint);
    }
}
