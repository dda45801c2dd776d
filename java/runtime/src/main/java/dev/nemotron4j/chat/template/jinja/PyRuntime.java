package dev.nemotron4j.chat.template.jinja;

import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@code py:} functions {@link ElCompiler}'s expressions call, registered with Jinjava as EL
 * functions (every public static method here). Each is one Python operation; the first error is
 * recorded in the {@link RenderState} before it unwinds, because Jinjava turns exceptions into
 * collected errors and keeps rendering.
 */
final class PyRuntime {
    private PyRuntime() {}

    static void register(Context globals) {
        for (Method m : PyRuntime.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers())) {
                m.setAccessible(true); // the class is package-private; JUEL invokes the Method reflectively
                globals.registerFunction(new ELFunctionDefinition("py", m.getName(), m));
            }
        }
    }

    private static <T> T guard(Supplier<T> body) {
        try {
            return body.get();
        } catch (TemplateRuntimeError e) {
            RenderState.current().fail(e);
            throw e;
        } catch (RuntimeException e) {
            TemplateRuntimeError wrapped = TemplateRuntimeError.type(String.valueOf(e.getMessage()));
            RenderState.current().fail(wrapped);
            throw wrapped;
        } catch (StackOverflowError e) {
            // a macro calling itself without end; Python raises RecursionError
            TemplateRuntimeError wrapped = TemplateRuntimeError.value("maximum recursion depth exceeded");
            RenderState.current().fail(wrapped);
            throw wrapped;
        }
    }

    public static Object var(String name) {
        return Scopes.lookup(JinjavaInterpreter.getCurrent(), name);
    }

    public static Object none() {
        return PyNone.NONE;
    }

    public static Object bigint(String digits) {
        return new BigInteger(digits);
    }

    public static Object undef(String hint) {
        return new Undefined(hint);
    }

    public static Object attr(Object obj, String name) {
        return guard(() -> PyAccess.getattr(obj, name));
    }

    public static Object item(Object obj, Object key) {
        return guard(() -> PyAccess.getitem(obj, key));
    }

    public static Object slice(Object obj, Object start, Object stop, Object step) {
        return guard(() -> PyAccess.slice(obj, start, stop, step));
    }

    @SuppressWarnings("unchecked")
    public static Object call(Object fn, Object args, Object kwargs) {
        return guard(() -> PyCalls.call(fn, (List<Object>) args, (Map<String, Object>) kwargs));
    }

    @SuppressWarnings("unchecked")
    public static Object filt(String name, Object value, Object args, Object kwargs) {
        return guard(() -> {
            if (!PyFilters.NAMES.contains(name)) {
                throw TemplateRuntimeError.type("No filter named '" + name + "' found.");
            }
            return PyFilters.apply(name, value, (List<Object>) args, (Map<String, Object>) kwargs);
        });
    }

    @SuppressWarnings("unchecked")
    public static Object tst(String name, Object value, Object args, Object kwargs) {
        return guard(() -> PyTests.apply(name, value, (List<Object>) args, (Map<String, Object>) kwargs));
    }

    public static Object truth(Object v) {
        return PyObjects.truth(v);
    }

    public static Object negate(Object v) {
        return !PyObjects.truth(v);
    }

    public static Object cmp(String op, Object a, Object b) {
        return guard(() -> {
            if ((PyObjects.isNaN(a) || PyObjects.isNaN(b)) && (op.startsWith("<") || op.startsWith(">"))) {
                return false; // every ordering with a NaN is False in Python
            }
            switch (op) {
                case "==": return PyObjects.eq(a, b);
                case "!=": return !PyObjects.eq(a, b);
                case "<": return PyObjects.compare(a, b, op) < 0;
                case "<=": return PyObjects.compare(a, b, op) <= 0;
                case ">": return PyObjects.compare(a, b, op) > 0;
                case ">=": return PyObjects.compare(a, b, op) >= 0;
                case "in": return PyObjects.contains(b, a);
                default: return !PyObjects.contains(b, a); // not in
            }
        });
    }

    public static Object add(Object a, Object b) {
        return guard(() -> PyOperators.add(a, b));
    }

    public static Object sub(Object a, Object b) {
        return guard(() -> PyOperators.sub(a, b));
    }

    public static Object mul(Object a, Object b) {
        return guard(() -> PyOperators.mul(a, b));
    }

    public static Object truediv(Object a, Object b) {
        return guard(() -> PyOperators.div(a, b));
    }

    public static Object floordiv(Object a, Object b) {
        return guard(() -> PyOperators.floordiv(a, b));
    }

    public static Object modulo(Object a, Object b) {
        return guard(() -> PyOperators.mod(a, b));
    }

    public static Object power(Object a, Object b) {
        return guard(() -> PyOperators.pow(a, b));
    }

    public static Object neg(Object a) {
        return guard(() -> PyOperators.neg(a));
    }

    public static Object pos(Object a) {
        return guard(() -> PyOperators.pos(a));
    }

    /** {@code a ~ b}: str() of each part; an undefined part is the empty string. */
    public static Object cat(Object... parts) {
        StringBuilder out = new StringBuilder();
        for (Object p : parts) {
            out.append(PyObjects.str(p));
        }
        return out.toString();
    }

    public static Object list(Object... items) {
        return new ArrayList<>(Arrays.asList(items));
    }

    public static Object tuple(Object... items) {
        return new PyTuple(Arrays.asList(items));
    }

    /** A dict literal from alternating keys and values. */
    public static Object dict(Object... keysAndValues) {
        Map<Object, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put(PyValues.hashKey(keysAndValues[i]), keysAndValues[i + 1]);
        }
        return out;
    }

    /** Keyword arguments from alternating names and values. */
    public static Object kw(Object... namesAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            out.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return out;
    }

    /** {@code f(a, *rest)}. */
    @SuppressWarnings("unchecked")
    public static Object extend(Object args, Object rest) {
        return guard(() -> {
            List<Object> out = new ArrayList<>((List<Object>) args);
            out.addAll(PyObjects.iterate(rest));
            return out;
        });
    }

    /** {@code f(k=v, **rest)}. */
    @SuppressWarnings("unchecked")
    public static Object merge(Object kwargs, Object rest) {
        return guard(() -> {
            if (!(rest instanceof Map<?, ?> m)) {
                throw TemplateRuntimeError.type("argument after ** must be a mapping, not " + PyObjects.typeName(rest));
            }
            Map<String, Object> out = new LinkedHashMap<>((Map<String, Object>) kwargs);
            m.forEach((k, v) -> out.put(PyObjects.str(k), v));
            return out;
        });
    }
}
