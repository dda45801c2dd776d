package dev.nemotron4j.chat.template.jinja;

import java.util.List;

/** A jinja2 expression, node for node as jinja2's parser builds it ({@code jinja2.nodes}). */
sealed interface Expr {
    /** A literal: String, Long/BigInteger, Double, Boolean or {@link PyNone}. */
    record Const(Object value) implements Expr {}

    record Name(String name) implements Expr {}

    /** {@code obj.attr}: jinja2's getattr (attribute first, then key). */
    record Getattr(Expr obj, String attr) implements Expr {}

    /** {@code obj[key]}: jinja2's getitem (key first, then attribute). */
    record Getitem(Expr obj, Expr key) implements Expr {}

    /** {@code obj[start:stop:step]}; absent parts are null. */
    record Slice(Expr obj, Expr start, Expr stop, Expr step) implements Expr {}

    record Keyword(String name, Expr value) {}

    /** Arguments of a call, filter or test: positional, keyword, {@code *args}, {@code **kwargs} (nullable). */
    record Arguments(List<Expr> args, List<Keyword> kwargs, Expr dynArgs, Expr dynKwargs) {
        static final Arguments NONE = new Arguments(List.of(), List.of(), null, null);
    }

    record Call(Expr fn, Arguments arguments) implements Expr {}

    /** {@code value|name(args)}; {@code value} is null for the head of a {@code {% filter %}} block. */
    record Filter(Expr value, String name, Arguments arguments, int line) implements Expr {}

    record Test(Expr value, String name, Arguments arguments, int line) implements Expr {}

    /** {@code not}, unary {@code -} and {@code +}. */
    record Unary(String op, Expr operand) implements Expr {}

    /** {@code + - * / // % **} and the short-circuit {@code and}/{@code or}. */
    record Binary(String op, Expr left, Expr right) implements Expr {}

    /** {@code a ~ b ~ c}. */
    record Concat(List<Expr> parts) implements Expr {}

    record Operand(String op, Expr expr) {}

    /** {@code a < b == c}, {@code x in y}, {@code x not in y}: Python's chained comparison. */
    record Compare(Expr first, List<Operand> rest) implements Expr {}

    /** {@code then if test else otherwise}; {@code otherwise} is null when there is no else. */
    record CondExpr(Expr test, Expr then, Expr otherwise) implements Expr {}

    record ListLit(List<Expr> items) implements Expr {}

    record TupleLit(List<Expr> items) implements Expr {}

    record Pair(Expr key, Expr value) {}

    record DictLit(List<Pair> items) implements Expr {}
}
