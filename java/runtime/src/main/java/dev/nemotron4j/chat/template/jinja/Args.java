package dev.nemotron4j.chat.template.jinja;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds a Python call's positional and keyword arguments to a callee's parameter names, the way
 * Python does: too many positionals, an unknown keyword or one given twice is a TypeError. Parameters
 * beyond the declared ones can be collected ({@code *args} / {@code **kwargs}) where the callee has them.
 */
final class Args {
    private final String callee;
    private final Object[] bound;
    private final boolean[] given;
    private final List<Object> extraPositional;
    private final Map<String, Object> extraKeywords;

    private Args(String callee, List<String> names, List<Object> args, Map<String, Object> kwargs,
            boolean varargs, boolean varkw) {
        this.callee = callee;
        this.bound = new Object[names.size()];
        this.given = new boolean[names.size()];
        this.extraPositional = new ArrayList<>();
        this.extraKeywords = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            if (i < bound.length) {
                bound[i] = args.get(i);
                given[i] = true;
            } else if (varargs) {
                extraPositional.add(args.get(i));
            } else {
                throw TemplateRuntimeError.type(callee + "() takes at most " + bound.length + " argument"
                        + (bound.length == 1 ? "" : "s") + " (" + args.size() + " given)");
            }
        }
        kwargs.forEach((k, v) -> {
            int i = names.indexOf(k);
            if (i < 0) {
                if (!varkw) {
                    throw TemplateRuntimeError.type(callee + "() got an unexpected keyword argument '" + k + "'");
                }
                extraKeywords.put(k, v);
            } else if (given[i]) {
                throw TemplateRuntimeError.type(callee + "() got multiple values for argument '" + k + "'");
            } else {
                bound[i] = v;
                given[i] = true;
            }
        });
    }

    /** Binds to exactly the named parameters. */
    static Args bind(String callee, List<Object> args, Map<String, Object> kwargs, String... names) {
        return new Args(callee, Arrays.asList(names), args, kwargs, false, false);
    }

    /** Binds to the named parameters, collecting the rest as {@code *args} and {@code **kwargs}. */
    static Args bindVar(String callee, List<Object> args, Map<String, Object> kwargs, String... names) {
        return new Args(callee, Arrays.asList(names), args, kwargs, true, true);
    }

    boolean has(int i) {
        return given[i] && bound[i] != PyNone.NONE;
    }

    Object get(int i, Object dflt) {
        return given[i] ? bound[i] : dflt;
    }

    Object required(int i) {
        if (!given[i]) {
            throw TemplateRuntimeError.type(callee + "() missing required argument (position " + (i + 1) + ")");
        }
        return bound[i];
    }

    String string(int i, String dflt) {
        Object v = get(i, dflt);
        if (v == PyNone.NONE || v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw TemplateRuntimeError.type(callee + "() argument " + (i + 1) + " must be str, not "
                    + PyObjects.typeName(v));
        }
        return s;
    }

    /** An int argument; None counts as absent ({@code dflt}). */
    Long integer(int i, Long dflt) {
        Object v = get(i, dflt);
        if (v == PyNone.NONE || v == null) {
            return dflt;
        }
        if (!PyObjects.isInt(v)) {
            throw TemplateRuntimeError.type("'" + PyObjects.typeName(v) + "' object cannot be interpreted as an integer");
        }
        return PyObjects.toBigInteger(v).longValue();
    }

    boolean truth(int i, boolean dflt) {
        return given[i] ? PyObjects.truth(bound[i]) : dflt;
    }

    List<Object> rest() {
        return extraPositional;
    }

    Map<String, Object> restKeywords() {
        return extraKeywords;
    }
}
