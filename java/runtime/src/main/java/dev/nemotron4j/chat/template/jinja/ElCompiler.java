package dev.nemotron4j.chat.template.jinja;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Compiles a jinja2 expression into a Jinjava (JUEL) expression whose every operation is a call into
 * {@link PyRuntime} ({@code py:add(a, b)}, {@code py:attr(x, 'name')}, ...), so Python's semantics
 * decide, not EL's coercions: in EL {@code 'a' == 1} coerces, "false" is falsy and {@code +}
 * concatenates anything. The only EL constructs used are literals, function calls and the
 * {@code ? :} conditional, which gives {@code and}/{@code or}/{@code if-else} their short circuit.
 */
final class ElCompiler {
    /** Where the text captured by a filter block or set block is bound while its filters run. */
    static final String CAPTURED = "py:captured";

    private static final Map<String, String> BINARY = Map.of("+", "add", "-", "sub", "*", "mul", "/", "truediv",
            "//", "floordiv", "%", "modulo", "**", "power");

    /** A filter or test name jinja2 would reject at compile time. */
    record Unknown(String kind, String name, int line) {}

    private final List<Unknown> unknown = new ArrayList<>();
    private boolean soft;

    /** Compiles {@code e}; {@code softFrame} is jinja2's "inside an if": unknown filters fail only when run. */
    String compile(Expr e, boolean softFrame) {
        boolean saved = soft;
        soft = softFrame;
        try {
            return el(e);
        } finally {
            soft = saved;
        }
    }

    List<Unknown> unknownNames() {
        return unknown;
    }

    private String el(Expr e) {
        if (e instanceof Expr.Const c) {
            return constant(c.value());
        }
        if (e instanceof Expr.Name n) {
            return "py:var(" + quote(n.name()) + ")";
        }
        if (e instanceof Expr.Getattr g) {
            return "py:attr(" + el(g.obj()) + ", " + quote(g.attr()) + ")";
        }
        if (e instanceof Expr.Getitem g) {
            return "py:item(" + el(g.obj()) + ", " + el(g.key()) + ")";
        }
        if (e instanceof Expr.Slice sl) {
            return "py:slice(" + el(sl.obj()) + ", " + optional(sl.start()) + ", " + optional(sl.stop()) + ", "
                    + optional(sl.step()) + ")";
        }
        if (e instanceof Expr.Call c) {
            return "py:call(" + el(c.fn()) + ", " + arguments(c.arguments()) + ")";
        }
        if (e instanceof Expr.Filter f) {
            check(f.name(), PyFilters.NAMES.contains(f.name()), "filter", f.line());
            String value = f.value() == null ? "py:var(" + quote(CAPTURED) + ")" : el(f.value());
            return "py:filt(" + quote(f.name()) + ", " + value + ", " + arguments(f.arguments()) + ")";
        }
        if (e instanceof Expr.Test t) {
            check(t.name(), PyTests.NAMES.contains(t.name()), "test", t.line());
            return "py:tst(" + quote(t.name()) + ", " + el(t.value()) + ", " + arguments(t.arguments()) + ")";
        }
        if (e instanceof Expr.Unary u) {
            String fn = u.op().equals("not") ? "negate" : u.op().equals("-") ? "neg" : "pos";
            return "py:" + fn + "(" + el(u.operand()) + ")";
        }
        if (e instanceof Expr.Binary b) {
            return binary(b);
        }
        if (e instanceof Expr.Concat c) {
            return "py:cat(" + list(c.parts()) + ")";
        }
        if (e instanceof Expr.Compare c) {
            return compare(el(c.first()), c.rest(), 0);
        }
        if (e instanceof Expr.CondExpr c) {
            boolean saved = soft;
            soft = true;
            try {
                String otherwise = c.otherwise() != null ? el(c.otherwise())
                        : "py:undef(" + quote("the inline if-expression evaluated to false and no else section was defined.") + ")";
                return "(py:truth(" + el(c.test()) + ") ? " + el(c.then()) + " : " + otherwise + ")";
            } finally {
                soft = saved;
            }
        }
        if (e instanceof Expr.ListLit l) {
            return "py:list(" + list(l.items()) + ")";
        }
        if (e instanceof Expr.TupleLit t) {
            return "py:tuple(" + list(t.items()) + ")";
        }
        Expr.DictLit d = (Expr.DictLit) e;
        StringJoiner kv = new StringJoiner(", ");
        d.items().forEach(p -> kv.add(el(p.key())).add(el(p.value())));
        return "py:dict(" + kv + ")";
    }

    private String binary(Expr.Binary b) {
        String left = el(b.left());
        String right = el(b.right());
        switch (b.op()) {
            // the left operand is evaluated twice; expressions have no side effects in the immutable sandbox
            case "and": return "(py:truth(" + left + ") ? " + right + " : " + left + ")";
            case "or": return "(py:truth(" + left + ") ? " + left + " : " + right + ")";
            default: return "py:" + BINARY.get(b.op()) + "(" + left + ", " + right + ")";
        }
    }

    /** {@code a < b < c} is {@code a < b and b < c}, each comparison a Boolean. */
    private String compare(String left, List<Expr.Operand> ops, int i) {
        String right = el(ops.get(i).expr());
        String here = "py:cmp(" + quote(ops.get(i).op()) + ", " + left + ", " + right + ")";
        if (i == ops.size() - 1) {
            return here;
        }
        return "(" + here + " ? " + compare(right, ops, i + 1) + " : false)";
    }

    private String arguments(Expr.Arguments a) {
        String args = "py:list(" + list(a.args()) + ")";
        if (a.dynArgs() != null) {
            args = "py:extend(" + args + ", " + el(a.dynArgs()) + ")";
        }
        StringJoiner kv = new StringJoiner(", ");
        a.kwargs().forEach(k -> kv.add(quote(k.name())).add(el(k.value())));
        String kwargs = "py:kw(" + kv + ")";
        if (a.dynKwargs() != null) {
            kwargs = "py:merge(" + kwargs + ", " + el(a.dynKwargs()) + ")";
        }
        return args + ", " + kwargs;
    }

    private String list(List<Expr> items) {
        StringJoiner j = new StringJoiner(", ");
        items.forEach(x -> j.add(el(x)));
        return j.toString();
    }

    private String optional(Expr e) {
        return e == null ? "py:none()" : el(e);
    }

    private void check(String name, boolean known, String kind, int line) {
        if (!known && !soft) {
            unknown.add(new Unknown(kind, name, line));
        }
    }

    private static String constant(Object v) {
        if (v instanceof String s) {
            return quote(s);
        }
        if (v instanceof Boolean b) {
            return b.toString();
        }
        if (v == PyNone.NONE) {
            return "py:none()";
        }
        if (v instanceof BigInteger b) {
            return "py:bigint(" + quote(b.toString()) + ")";
        }
        if (v instanceof Double d) {
            return Double.toString(d); // literals are finite; Double.toString round-trips and JUEL reads it
        }
        return v.toString(); // a Long; literals are never negative
    }

    /** A JUEL string literal: only backslash and the quote need escaping. */
    static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
