package dev.nemotron4j.chat.template.jinja;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Python's arithmetic operators as jinja2 evaluates them: ints never overflow, {@code /} is true
 * division, {@code //} and {@code %} floor, {@code str + str} and {@code list + list} concatenate,
 * {@code str * int} repeats, {@code str % args} formats, and anything else is the TypeError Python
 * raises ({@code "a" + 1} is an error, not {@code "a1"}).
 */
final class PyOperators {
    private PyOperators() {}

    static Object add(Object a, Object b) {
        failIfUndefined(a, b);
        if (PyObjects.isNumber(a) && PyObjects.isNumber(b)) {
            if (a instanceof Double || b instanceof Double) {
                return PyObjects.toDouble(a) + PyObjects.toDouble(b);
            }
            return PyValues.normalize(PyObjects.toBigInteger(a).add(PyObjects.toBigInteger(b)));
        }
        if (a instanceof String x && b instanceof String y) {
            return x + y;
        }
        if (a instanceof List<?> x && b instanceof List<?> y && (a instanceof PyTuple) == (b instanceof PyTuple)
                && !(a instanceof PyRange) && !(b instanceof PyRange)) {
            List<Object> out = new ArrayList<>(x);
            out.addAll(y);
            return a instanceof PyTuple ? new PyTuple(out) : out;
        }
        if (a instanceof String || a instanceof List && !(a instanceof PyRange)) {
            String kind = PyObjects.typeName(a);
            throw TemplateRuntimeError.type("can only concatenate " + kind + " (not \"" + PyObjects.typeName(b)
                    + "\") to " + kind);
        }
        throw unsupported("+", a, b);
    }

    static Object sub(Object a, Object b) {
        failIfUndefined(a, b);
        requireNumbers("-", a, b);
        if (a instanceof Double || b instanceof Double) {
            return PyObjects.toDouble(a) - PyObjects.toDouble(b);
        }
        return PyValues.normalize(PyObjects.toBigInteger(a).subtract(PyObjects.toBigInteger(b)));
    }

    static Object mul(Object a, Object b) {
        failIfUndefined(a, b);
        if (PyObjects.isNumber(a) && PyObjects.isNumber(b)) {
            if (a instanceof Double || b instanceof Double) {
                return PyObjects.toDouble(a) * PyObjects.toDouble(b);
            }
            return PyValues.normalize(PyObjects.toBigInteger(a).multiply(PyObjects.toBigInteger(b)));
        }
        if (PyObjects.isInt(b) && (a instanceof String || a instanceof List)) {
            return repeat(a, PyObjects.toBigInteger(b).longValue());
        }
        if (PyObjects.isInt(a) && (b instanceof String || b instanceof List)) {
            return repeat(b, PyObjects.toBigInteger(a).longValue());
        }
        throw unsupported("*", a, b);
    }

    private static Object repeat(Object seq, long times) {
        long n = Math.max(0, times);
        if (seq instanceof String s) {
            return s.repeat((int) n);
        }
        List<Object> out = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            out.addAll((List<?>) seq);
        }
        return seq instanceof PyTuple ? new PyTuple(out) : out;
    }

    static Object div(Object a, Object b) {
        failIfUndefined(a, b);
        requireNumbers("/", a, b);
        double y = PyObjects.toDouble(b);
        if (y == 0) {
            throw TemplateRuntimeError.value("division by zero");
        }
        return PyObjects.toDouble(a) / y;
    }

    static Object floordiv(Object a, Object b) {
        failIfUndefined(a, b);
        requireNumbers("//", a, b);
        if (a instanceof Double || b instanceof Double) {
            double y = PyObjects.toDouble(b);
            if (y == 0) {
                throw TemplateRuntimeError.value("float floor division by zero");
            }
            return Math.floor(PyObjects.toDouble(a) / y);
        }
        BigInteger y = PyObjects.toBigInteger(b);
        if (y.signum() == 0) {
            throw TemplateRuntimeError.value("integer division or modulo by zero");
        }
        BigInteger[] qr = PyObjects.toBigInteger(a).divideAndRemainder(y);
        BigInteger q = qr[1].signum() != 0 && qr[1].signum() != y.signum() ? qr[0].subtract(BigInteger.ONE) : qr[0];
        return PyValues.normalize(q);
    }

    static Object mod(Object a, Object b) {
        failIfUndefined(a, b);
        if (a instanceof String format) {
            return PyFormat.percent(format, b);
        }
        requireNumbers("%", a, b);
        if (a instanceof Double || b instanceof Double) {
            double x = PyObjects.toDouble(a);
            double y = PyObjects.toDouble(b);
            if (y == 0) {
                throw TemplateRuntimeError.value("float modulo");
            }
            double r = x % y;
            return r != 0 && (r < 0) != (y < 0) ? r + y : r;
        }
        BigInteger y = PyObjects.toBigInteger(b);
        if (y.signum() == 0) {
            throw TemplateRuntimeError.value("integer division or modulo by zero");
        }
        BigInteger r = PyObjects.toBigInteger(a).mod(y.abs());
        return PyValues.normalize(y.signum() < 0 && r.signum() != 0 ? r.add(y) : r);
    }

    static Object pow(Object a, Object b) {
        failIfUndefined(a, b);
        requireNumbers("** or pow()", a, b);
        if (a instanceof Double || b instanceof Double || PyObjects.toBigInteger(b).signum() < 0) {
            return Math.pow(PyObjects.toDouble(a), PyObjects.toDouble(b));
        }
        BigInteger exponent = PyObjects.toBigInteger(b);
        if (exponent.bitLength() > 16) {
            throw TemplateRuntimeError.value("exponent too large");
        }
        return PyValues.normalize(PyObjects.toBigInteger(a).pow(exponent.intValue()));
    }

    static Object neg(Object a) {
        failIfUndefined(a, 0L);
        if (a instanceof Double d) {
            return -d;
        }
        if (PyObjects.isInt(a)) {
            return PyValues.normalize(PyObjects.toBigInteger(a).negate());
        }
        throw TemplateRuntimeError.type("bad operand type for unary -: '" + PyObjects.typeName(a) + "'");
    }

    static Object pos(Object a) {
        failIfUndefined(a, 0L);
        if (a instanceof Double) {
            return a;
        }
        if (PyObjects.isInt(a)) {
            return PyValues.normalize(PyObjects.toBigInteger(a));
        }
        throw TemplateRuntimeError.type("bad operand type for unary +: '" + PyObjects.typeName(a) + "'");
    }

    private static void requireNumbers(String op, Object a, Object b) {
        if (!PyObjects.isNumber(a) || !PyObjects.isNumber(b)) {
            throw unsupported(op, a, b);
        }
    }

    private static void failIfUndefined(Object a, Object b) {
        if (a == null || a instanceof Undefined) {
            throw (a == null ? new Undefined("undefined value") : (Undefined) a).error();
        }
        if (b == null || b instanceof Undefined) {
            throw (b == null ? new Undefined("undefined value") : (Undefined) b).error();
        }
    }

    private static TemplateRuntimeError unsupported(String op, Object a, Object b) {
        return TemplateRuntimeError.type("unsupported operand type(s) for " + op + ": '" + PyObjects.typeName(a)
                + "' and '" + PyObjects.typeName(b) + "'");
    }
}
