package dev.nemotron4j.chat.template.jinja;

import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calling a value from a template: a bound method, a global function ({@link Builtin}), a macro, or a
 * recursive loop. Calling anything else, an undefined value included, raises as jinja2 does.
 */
final class PyCalls {
    private PyCalls() {}

    static Object call(Object f, List<Object> args, Map<String, Object> kwargs) {
        if (f == null || f instanceof Undefined) {
            throw (f == null ? new Undefined("undefined value") : (Undefined) f).error();
        }
        if (f instanceof BoundMethod m) {
            return PyMethods.invoke(m, args, kwargs);
        }
        if (f instanceof Builtin b) {
            return builtin(b, args, kwargs);
        }
        if (f instanceof Macro m) {
            return MacroTag.call(m, args, kwargs);
        }
        if (f instanceof LoopContext loop) {
            return loop.call(args);
        }
        throw TemplateRuntimeError.type("'" + PyObjects.typeName(f) + "' object is not callable");
    }

    private static Object builtin(Builtin b, List<Object> args, Map<String, Object> kwargs) {
        switch (b) {
            case RANGE: {
                Args a = Args.bind("range", args, kwargs, "start", "stop", "step");
                if (args.isEmpty()) {
                    throw TemplateRuntimeError.type("range expected at least 1 argument, got 0");
                }
                return args.size() == 1 ? new PyRange(0, a.integer(0, 0L), 1)
                        : new PyRange(a.integer(0, 0L), a.integer(1, 0L), a.integer(2, 1L));
            }
            case DICT:
                return mapping("dict", args, kwargs);
            case NAMESPACE: {
                Map<String, Object> attributes = new LinkedHashMap<>();
                mapping("namespace", args, kwargs).forEach((k, v) -> attributes.put(PyObjects.str(k), v));
                return new Namespace(attributes);
            }
            case RAISE_EXCEPTION:
                throw new TemplateRuntimeError(TemplateRuntimeError.Kind.RAISED,
                        PyObjects.str(Args.bind("raise_exception", args, kwargs, "message").required(0)));
            case STRFTIME_NOW: {
                Object format = Args.bind("strftime_now", args, kwargs, "format").required(0);
                if (!(format instanceof String f)) {
                    throw TemplateRuntimeError.type("strftime() argument 1 must be str, not " + PyObjects.typeName(format));
                }
                return PyFormat.strftime(f, ZonedDateTime.now(RenderState.current().clock()));
            }
            default:
                throw new IllegalStateException(b.name());
        }
    }

    /** {@code dict(mapping_or_pairs, **kwargs)}. */
    private static Map<Object, Object> mapping(String callee, List<Object> args, Map<String, Object> kwargs) {
        Args a = Args.bindVar(callee, args, Map.of(), "mapping");
        if (!a.rest().isEmpty()) {
            throw TemplateRuntimeError.type(callee + " expected at most 1 argument, got " + args.size());
        }
        Map<Object, Object> out = new LinkedHashMap<>();
        Object source = a.get(0, null);
        if (source instanceof Map<?, ?> m) {
            out.putAll(m);
        } else if (source != null) {
            for (Object pair : PyObjects.iterate(source)) {
                List<Object> kv = PyObjects.iterate(pair);
                if (kv.size() != 2) {
                    throw TemplateRuntimeError.value("dictionary update sequence element has length " + kv.size()
                            + "; 2 is required");
                }
                out.put(kv.get(0), kv.get(1));
            }
        }
        out.putAll(kwargs);
        return out;
    }
}
