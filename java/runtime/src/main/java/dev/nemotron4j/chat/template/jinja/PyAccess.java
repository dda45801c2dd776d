package dev.nemotron4j.chat.template.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code obj.name}, {@code obj[key]} and {@code obj[a:b:c]} with the semantics of jinja2's
 * {@code ImmutableSandboxedEnvironment}: {@code getattr} tries the Python attribute (a method) before
 * the dict key, {@code getitem} the key before the attribute; a miss is an {@link Undefined}, not an
 * error; mutating methods are refused; anything on an {@link Undefined} raises. Slices are plain
 * Python subscripts, as jinja2 compiles them.
 */
final class PyAccess {
    private PyAccess() {}

    static final Set<String> STR_METHODS = Set.of("strip", "lstrip", "rstrip", "split", "rsplit", "splitlines",
            "startswith", "endswith", "replace", "lower", "upper", "title", "capitalize", "swapcase", "casefold",
            "find", "rfind", "index", "rindex", "count", "join", "format", "isdigit", "isalpha", "isalnum",
            "isspace", "isupper", "islower", "istitle", "isnumeric", "isdecimal", "center", "ljust", "rjust",
            "zfill", "partition", "rpartition", "removeprefix", "removesuffix");
    static final Set<String> LIST_METHODS = Set.of("index", "count", "copy");
    static final Set<String> LIST_MUTATORS = Set.of("append", "extend", "insert", "pop", "remove", "reverse",
            "sort", "clear");
    static final Set<String> DICT_METHODS = Set.of("items", "keys", "values", "get", "copy");
    static final Set<String> DICT_MUTATORS = Set.of("pop", "popitem", "setdefault", "update", "clear");

    static Object getattr(Object obj, String name) {
        if (obj == null || obj instanceof Undefined) {
            throw undefined(obj).error();
        }
        if (obj instanceof Map<?, ?> m) {
            if (DICT_METHODS.contains(name)) {
                return new BoundMethod(obj, name);
            }
            if (DICT_MUTATORS.contains(name)) {
                return Undefined.unsafe(obj, name);
            }
            Object value = m.get(name);
            return value != null ? value : Undefined.attribute(obj, name);
        }
        return attribute(obj, name);
    }

    /** A Python attribute proper (no dict keys): what {@code |attr} and the {@code getitem} fallback see. */
    static Object attribute(Object obj, String name) {
        if (obj instanceof String && STR_METHODS.contains(name)) {
            return new BoundMethod(obj, name);
        }
        if (obj instanceof List && !(obj instanceof PyRange) && LIST_METHODS.contains(name)) {
            return new BoundMethod(obj, name);
        }
        if (obj instanceof List && !(obj instanceof PyTuple) && LIST_MUTATORS.contains(name)) {
            return Undefined.unsafe(obj, name);
        }
        if (obj instanceof Map && DICT_METHODS.contains(name)) {
            return new BoundMethod(obj, name);
        }
        if (obj instanceof Map && DICT_MUTATORS.contains(name)) {
            return Undefined.unsafe(obj, name);
        }
        if (obj instanceof Namespace n) {
            return n.get(name);
        }
        if (obj instanceof LoopContext loop) {
            return loop.attribute(name);
        }
        return Undefined.attribute(obj, name);
    }

    static Object getitem(Object obj, Object key) {
        if (obj == null || obj instanceof Undefined) {
            throw undefined(obj).error();
        }
        if (obj instanceof Map<?, ?> m) {
            Object value = m.get(key instanceof Boolean || key instanceof Double ? PyValues.hashKey(key) : key);
            if (value != null) {
                return value;
            }
        } else if (obj instanceof List<?> l && PyObjects.isInt(key)) {
            Integer i = index(PyObjects.toBigInteger(key).longValue(), l.size());
            return i != null ? l.get(i) : Undefined.attribute(obj, key);
        } else if (obj instanceof String s && PyObjects.isInt(key)) {
            Integer i = index(PyObjects.toBigInteger(key).longValue(), PyStrings.length(s));
            return i != null ? PyStrings.substring(s, i, i + 1) : Undefined.attribute(obj, key);
        }
        return key instanceof String name ? attribute(obj, name) : Undefined.attribute(obj, key);
    }

    private static Integer index(long i, int size) {
        long j = i < 0 ? i + size : i;
        return j >= 0 && j < size ? (int) j : null;
    }

    /** {@code obj[start:stop:step]}; each bound is null when omitted. */
    static Object slice(Object obj, Object start, Object stop, Object step) {
        if (obj == null || obj instanceof Undefined) {
            throw undefined(obj).error();
        }
        if (obj instanceof Map) {
            throw TemplateRuntimeError.type("unhashable type: 'slice'");
        }
        if (!(obj instanceof List || obj instanceof String)) {
            throw TemplateRuntimeError.type("'" + PyObjects.typeName(obj) + "' object is not subscriptable");
        }
        List<?> items = obj instanceof String s ? PyStrings.chars(s) : (List<?>) obj;
        Long stepValue = bound(step);
        long by = stepValue == null ? 1 : stepValue;
        if (by == 0) {
            throw TemplateRuntimeError.value("slice step cannot be zero");
        }
        int n = items.size();
        long from = adjust(bound(start), n, by, by < 0 ? n - 1 : 0);
        long to = adjust(bound(stop), n, by, by < 0 ? -1 : n);
        List<Object> out = new ArrayList<>();
        for (long i = from; by > 0 ? i < to : i > to; i += by) {
            out.add(items.get((int) i));
        }
        if (obj instanceof String) {
            return String.join("", out.stream().map(x -> (String) x).toList());
        }
        return obj instanceof PyTuple ? new PyTuple(out) : out;
    }

    private static Long bound(Object v) {
        if (v == null || v == PyNone.NONE) {
            return null;
        }
        if (PyObjects.isInt(v)) {
            return PyObjects.toBigInteger(v).longValue();
        }
        throw TemplateRuntimeError.type("slice indices must be integers or None or have an __index__ method");
    }

    /** CPython's PySlice_AdjustIndices for one bound. */
    private static long adjust(Long v, int n, long step, long dflt) {
        if (v == null) {
            return dflt;
        }
        long i = v;
        if (i < 0) {
            i += n;
            if (i < 0) {
                i = step < 0 ? -1 : 0;
            }
        } else if (i >= n) {
            i = step < 0 ? n - 1 : n;
        }
        return i;
    }

    /**
     * CPython's ADJUST_INDICES for {@code str.find}/{@code count} on {@code n} code points: the end is
     * clamped to [0, n], the start only from below, so {@code end - start} may be negative.
     */
    static long[] sliceBounds(int n, Long start, Long end) {
        long e = end == null ? n : end > n ? n : end < 0 ? Math.max(0, end + n) : end;
        long s = start == null ? 0 : start < 0 ? Math.max(0, start + n) : start;
        return new long[] {s, e};
    }

    private static Undefined undefined(Object obj) {
        return obj instanceof Undefined u ? u : new Undefined("undefined value");
    }
}
