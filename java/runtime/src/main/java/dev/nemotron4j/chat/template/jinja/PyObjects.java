package dev.nemotron4j.chat.template.jinja;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The core of Python's object model as jinja2 templates see it: truth, {@code str()}, {@code repr()},
 * type names, equality, ordering, membership, length and iteration. Values are the ones
 * {@link PyValues} produces: String, Boolean, Long/BigInteger (int), Double (float), {@link PyNone},
 * {@link Undefined}, List (list), {@link PyTuple}, Map (dict), {@link Namespace}, and the callables.
 */
final class PyObjects {
    private PyObjects() {}

    static boolean truth(Object v) {
        if (v == null || v instanceof Undefined || v == PyNone.NONE) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Long l) {
            return l != 0;
        }
        if (v instanceof BigInteger b) {
            return b.signum() != 0;
        }
        if (v instanceof Double d) {
            return d != 0.0;
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof List<?> l) {
            return !l.isEmpty();
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return true;
    }

    /** Python's {@code str(v)}; an undefined value renders as the empty string, as in jinja2. */
    static String str(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v == null || v instanceof Undefined) {
            return "";
        }
        return repr(v);
    }

    static String repr(Object v) {
        if (v instanceof String s) {
            return PyStrings.repr(s);
        }
        if (v instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (v instanceof Double d) {
            return PyFloats.repr(d);
        }
        if (v == null || v instanceof Undefined) {
            return "Undefined";
        }
        if (v instanceof PyRange r) {
            return r.toString();
        }
        if (v instanceof PyTuple t) {
            StringJoiner j = new StringJoiner(", ", "(", t.size() == 1 ? ",)" : ")");
            t.forEach(x -> j.add(repr(x)));
            return j.toString();
        }
        if (v instanceof List<?> l) {
            StringJoiner j = new StringJoiner(", ", "[", "]");
            l.forEach(x -> j.add(repr(x)));
            return j.toString();
        }
        if (v instanceof Map<?, ?> m) {
            StringJoiner j = new StringJoiner(", ", "{", "}");
            m.forEach((k, x) -> j.add(repr(k) + ": " + repr(x)));
            return j.toString();
        }
        if (v instanceof Namespace n) {
            return "<Namespace " + repr(n.attributes()) + ">";
        }
        return v.toString();
    }

    /** The Python type name used in error messages ({@code 'dict object' has no attribute 'x'}). */
    static String typeName(Object v) {
        if (v instanceof String) {
            return "str";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof Long || v instanceof BigInteger) {
            return "int";
        }
        if (v instanceof Double) {
            return "float";
        }
        if (v == PyNone.NONE) {
            return "NoneType";
        }
        if (v == null || v instanceof Undefined) {
            return "Undefined";
        }
        if (v instanceof PyRange) {
            return "range";
        }
        if (v instanceof PyTuple) {
            return "tuple";
        }
        if (v instanceof List) {
            return "list";
        }
        if (v instanceof Map) {
            return "dict";
        }
        if (v instanceof Namespace) {
            return "Namespace";
        }
        if (v instanceof LoopContext) {
            return "LoopContext";
        }
        if (v instanceof Macro) {
            return "Macro";
        }
        return v instanceof BoundMethod ? "builtin_function_or_method" : "function";
    }

    static boolean isNumber(Object v) {
        return v instanceof Long || v instanceof BigInteger || v instanceof Double || v instanceof Boolean;
    }

    static boolean isInt(Object v) {
        return v instanceof Long || v instanceof BigInteger || v instanceof Boolean;
    }

    static boolean eq(Object a, Object b) {
        if (isNaN(a) || isNaN(b)) {
            return false;
        }
        if (a == b) {
            return true;
        }
        if (isNumber(a) && isNumber(b)) {
            return compareNumbers(a, b) == 0;
        }
        if (a instanceof Undefined || b instanceof Undefined || a == null || b == null) {
            return (a == null || a instanceof Undefined) && (b == null || b instanceof Undefined);
        }
        if (a instanceof String || b instanceof String) {
            return a.equals(b);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if ((a instanceof PyTuple) != (b instanceof PyTuple) || x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!eq(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !eq(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /** Python's ordering for {@code <}, {@code <=}, {@code >}, {@code >=}; {@code op} names the operator. */
    static int compare(Object a, Object b, String op) {
        if (a instanceof Undefined u) {
            throw u.error();
        }
        if (b instanceof Undefined u) {
            throw u.error();
        }
        if (isNumber(a) && isNumber(b)) {
            return compareNumbers(a, b);
        }
        if (a instanceof String x && b instanceof String y) {
            return PyStrings.compare(x, y);
        }
        if (a instanceof List<?> x && b instanceof List<?> y && (a instanceof PyTuple) == (b instanceof PyTuple)) {
            for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
                if (!eq(x.get(i), y.get(i))) {
                    return compare(x.get(i), y.get(i), op);
                }
            }
            return Integer.compare(x.size(), y.size());
        }
        throw TemplateRuntimeError.type("'" + op + "' not supported between instances of '" + typeName(a)
                + "' and '" + typeName(b) + "'");
    }

    static boolean isNaN(Object v) {
        return v instanceof Double d && d.isNaN();
    }

    static int compareNumbers(Object a, Object b) {
        if (a instanceof Double || b instanceof Double) {
            double x = toDouble(a);
            double y = toDouble(b);
            if (!Double.isFinite(x) || !Double.isFinite(y)) {
                return Double.compare(x, y);
            }
            // exact, as Python compares an int with a float
            return toBigDecimal(a).compareTo(toBigDecimal(b));
        }
        return toBigInteger(a).compareTo(toBigInteger(b));
    }

    static double toDouble(Object n) {
        if (n instanceof Boolean b) {
            return b ? 1 : 0;
        }
        return ((Number) n).doubleValue();
    }

    static BigInteger toBigInteger(Object n) {
        if (n instanceof Boolean b) {
            return b ? BigInteger.ONE : BigInteger.ZERO;
        }
        return n instanceof BigInteger b ? b : BigInteger.valueOf(((Number) n).longValue());
    }

    private static BigDecimal toBigDecimal(Object n) {
        return n instanceof Double d ? new BigDecimal(d) : new BigDecimal(toBigInteger(n));
    }

    /** Python's {@code item in container}. */
    static boolean contains(Object container, Object item) {
        if (container instanceof String s) {
            if (!(item instanceof String sub)) {
                throw TemplateRuntimeError.type("'in <string>' requires string as left operand, not "
                        + typeName(item));
            }
            return s.contains(sub);
        }
        if (container instanceof Map<?, ?> m) {
            return m.keySet().stream().anyMatch(k -> eq(k, item));
        }
        if (container instanceof Undefined) {
            return false; // iterating an Undefined yields nothing
        }
        for (Object x : iterate(container)) {
            if (eq(x, item)) {
                return true;
            }
        }
        return false;
    }

    /** Python's {@code len(v)}, counting a string in code points; {@code len(Undefined)} is 0. */
    static long length(Object v) {
        if (v instanceof String s) {
            return s.codePointCount(0, s.length());
        }
        if (v instanceof List<?> l) {
            return l.size();
        }
        if (v instanceof Map<?, ?> m) {
            return m.size();
        }
        if (v instanceof Namespace n) {
            throw TemplateRuntimeError.type("object of type 'Namespace' has no len()");
        }
        if (v == null || v instanceof Undefined) {
            return 0;
        }
        throw TemplateRuntimeError.type("object of type '" + typeName(v) + "' has no len()");
    }

    /** Python's {@code iter(v)} as a list: a dict yields its keys, a string its characters. */
    static List<Object> iterate(Object v) {
        if (v instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        if (v instanceof Map<?, ?> m) {
            return new ArrayList<>(m.keySet());
        }
        if (v instanceof String s) {
            return new ArrayList<>(PyStrings.chars(s));
        }
        if (v == null || v instanceof Undefined) {
            return new ArrayList<>();
        }
        throw TemplateRuntimeError.type("'" + typeName(v) + "' object is not iterable");
    }

    static boolean isIterable(Object v) {
        return v instanceof List || v instanceof Map || v instanceof String || v == null || v instanceof Undefined;
    }

    static boolean isCallable(Object v) {
        return v instanceof BoundMethod || v instanceof Builtin || v instanceof Macro || v instanceof LoopContext;
    }

    /** The Python sort used by {@code |sort}, {@code |dictsort}, {@code max} and friends. */
    static void sort(List<Object> items, boolean reverse) {
        // List.sort is stable, and so is Python's sorted(reverse=True): equal items keep their order
        items.sort((a, b) -> reverse ? compare(b, a, "<") : compare(a, b, "<"));
    }
}
