package dev.nemotron4j.chat.template.jinja;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns what a caller hands the template (JSON-shaped Java values: maps, lists, strings, numbers,
 * booleans, null) into the values the runtime works on: a deep copy, so a template cannot reach the
 * caller's objects, with ints as Long/BigInteger, floats as Double and null as {@link PyNone}.
 */
final class PyValues {
    private PyValues() {}

    static Object fromJava(Object v, String path) {
        if (v == null) {
            return PyNone.NONE;
        }
        if (v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Double) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger b) {
            return normalize(b);
        }
        if (v instanceof Float || v instanceof BigDecimal) {
            return ((Number) v).doubleValue();
        }
        if (v instanceof Character c) {
            return c.toString();
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(fromJava(k, path), fromJava(x, path + "." + k)));
            return out;
        }
        if (v instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>(c.size());
            int i = 0;
            for (Object x : c) {
                out.add(fromJava(x, path + "[" + i++ + "]"));
            }
            return out;
        }
        if (v instanceof Object[] a) {
            return fromJava(List.of(a), path);
        }
        throw new IllegalArgumentException(path + ": a template value must be a string, number, boolean, null, "
                + "list or map, not " + v.getClass().getName());
    }

    static Object normalize(BigInteger b) {
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }

    /** The key a Python dict would find for {@code k}: True is 1, 2.0 is 2. */
    static Object hashKey(Object k) {
        if (k instanceof Boolean b) {
            return b ? 1L : 0L;
        }
        if (k instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9.0e18) {
            return (long) d.doubleValue();
        }
        return k;
    }
}
