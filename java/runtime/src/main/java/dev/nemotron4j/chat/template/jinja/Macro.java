package dev.nemotron4j.chat.template.jinja;

import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.tree.TagNode;

/**
 * A macro defined by {@code {% macro %}}: its spec, its body, and the scope it was defined in, which
 * its calls see instead of the caller's ({@link Scopes}).
 */
record Macro(Specs.MacroSpec spec, TagNode body, Context closure) {
    @Override
    public String toString() {
        return "<Macro '" + spec.name() + "'>";
    }
}
