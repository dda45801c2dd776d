package dev.nemotron4j.chat.template.jinja;

import java.util.List;

/** A jinja2 template statement: text, output, and the tags a chat template can use. */
sealed interface Stmt {
    /** Where a value is assigned: a name, a tuple of targets, or {@code ns.attr}. */
    sealed interface Target {}

    record NameTarget(String name) implements Target {}

    record TupleTarget(List<Target> items) implements Target {}

    record NamespaceTarget(String namespace, String attr) implements Target {}

    record Text(String text) implements Stmt {}

    record Print(Expr value, int line) implements Stmt {}

    record Branch(Expr test, List<Stmt> body) {}

    record If(List<Branch> branches, List<Stmt> otherwise, int line) implements Stmt {}

    record For(Target target, Expr iter, Expr filter, boolean recursive, List<Stmt> body, List<Stmt> otherwise,
            int line) implements Stmt {}

    record Assign(Target target, Expr value, int line) implements Stmt {}

    /** {@code {% set x %}...{% endset %}}, with an optional filter chain applied to the captured text. */
    record AssignBlock(Target target, Expr filter, List<Stmt> body, int line) implements Stmt {}

    record With(List<Target> targets, List<Expr> values, List<Stmt> body, int line) implements Stmt {}

    record Macro(String name, List<String> params, List<Expr> defaults, List<Stmt> body, int line) implements Stmt {}

    record FilterBlock(Expr filter, List<Stmt> body, int line) implements Stmt {}

    record Break(int line) implements Stmt {}

    record Continue(int line) implements Stmt {}

    /** transformers' {@code {% generation %}} marker: renders its body unchanged. */
    record Generation(List<Stmt> body, int line) implements Stmt {}
}
