package dev.nemotron4j.chat.template.jinja;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import java.util.List;

/** Assignment to a target ({@code x}, {@code a, b}, {@code ns.attr}) with Python's unpacking rules. */
final class Targets {
    private Targets() {}

    static void assign(JinjavaInterpreter interpreter, Stmt.Target target, Object value) {
        if (target instanceof Stmt.NameTarget n) {
            Scopes.assign(interpreter, n.name(), value);
        } else if (target instanceof Stmt.NamespaceTarget ns) {
            Object holder = Scopes.lookup(interpreter, ns.namespace());
            if (!(holder instanceof Namespace namespace)) {
                throw new TemplateRuntimeError(TemplateRuntimeError.Kind.TYPE,
                        "cannot assign attribute on non-namespace object");
            }
            namespace.set(ns.attr(), value);
        } else {
            List<Stmt.Target> items = ((Stmt.TupleTarget) target).items();
            List<Object> values = PyObjects.iterate(value);
            if (values.size() > items.size()) {
                throw TemplateRuntimeError.value("too many values to unpack (expected " + items.size() + ")");
            }
            if (values.size() < items.size()) {
                throw TemplateRuntimeError.value("not enough values to unpack (expected " + items.size() + ", got "
                        + values.size() + ")");
            }
            for (int i = 0; i < items.size(); i++) {
                assign(interpreter, items.get(i), values.get(i));
            }
        }
    }
}
