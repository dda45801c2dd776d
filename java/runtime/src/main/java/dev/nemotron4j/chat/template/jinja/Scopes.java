package dev.nemotron4j.chat.template.jinja;

import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;

/**
 * Variable lookup with jinja2's scoping on top of Jinjava's scope chain: the innermost scope first,
 * outward to the render's root (the caller's variables), then the global functions. A macro body's
 * scope links to the scope the macro was defined in, not the caller's, so a macro never sees the
 * loop variables at its call site, as in jinja2.
 */
final class Scopes {
    /** Key in a macro call's scope that holds the defining scope. */
    static final String CLOSURE = "py:closure";

    private Scopes() {}

    static Object lookup(JinjavaInterpreter interpreter, String name) {
        Context c = interpreter.getContext();
        while (c != null) {
            if (c.getScope().containsKey(name)) {
                return c.getScope().get(name);
            }
            if (RenderState.isRoot(c)) {
                break;
            }
            Object closure = c.getScope().get(CLOSURE);
            c = closure instanceof Context defining ? defining : c.getParent();
        }
        Object builtin = Builtin.named(name).orElse(null);
        return builtin != null ? builtin : Undefined.name(name);
    }

    /** Binds a name in the innermost scope, as {@code {% set %}} and loop variables do. */
    static void assign(JinjavaInterpreter interpreter, String name, Object value) {
        interpreter.getContext().getScope().put(name, value);
    }
}
