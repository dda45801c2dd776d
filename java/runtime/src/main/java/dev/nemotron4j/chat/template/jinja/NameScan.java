package dev.nemotron4j.chat.template.jinja;

import java.util.HashSet;
import java.util.Set;

/**
 * Collects the names a macro body reads. jinja2 lets a macro take extra positional or keyword
 * arguments only when its body mentions {@code varargs} or {@code kwargs}; this is how it finds out.
 */
final class NameScan {
    private final Set<String> names = new HashSet<>();

    boolean contains(String name) {
        return names.contains(name);
    }

    void statement(Stmt s) {
        if (s instanceof Stmt.Print p) {
            expr(p.value());
        } else if (s instanceof Stmt.If i) {
            i.branches().forEach(b -> {
                expr(b.test());
                b.body().forEach(this::statement);
            });
            i.otherwise().forEach(this::statement);
        } else if (s instanceof Stmt.For f) {
            expr(f.iter());
            expr(f.filter());
            f.body().forEach(this::statement);
            f.otherwise().forEach(this::statement);
        } else if (s instanceof Stmt.Assign a) {
            expr(a.value());
        } else if (s instanceof Stmt.AssignBlock a) {
            expr(a.filter());
            a.body().forEach(this::statement);
        } else if (s instanceof Stmt.With w) {
            w.values().forEach(this::expr);
            w.body().forEach(this::statement);
        } else if (s instanceof Stmt.FilterBlock f) {
            expr(f.filter());
            f.body().forEach(this::statement);
        } else if (s instanceof Stmt.Generation g) {
            g.body().forEach(this::statement);
        } else if (s instanceof Stmt.Macro m) {
            m.defaults().forEach(this::expr);
        }
    }

    private void expr(Expr e) {
        if (e == null || e instanceof Expr.Const) {
            return;
        }
        if (e instanceof Expr.Name n) {
            names.add(n.name());
        } else if (e instanceof Expr.Getattr g) {
            expr(g.obj());
        } else if (e instanceof Expr.Getitem g) {
            expr(g.obj());
            expr(g.key());
        } else if (e instanceof Expr.Slice s) {
            expr(s.obj());
            expr(s.start());
            expr(s.stop());
            expr(s.step());
        } else if (e instanceof Expr.Call c) {
            expr(c.fn());
            arguments(c.arguments());
        } else if (e instanceof Expr.Filter f) {
            expr(f.value());
            arguments(f.arguments());
        } else if (e instanceof Expr.Test t) {
            expr(t.value());
            arguments(t.arguments());
        } else if (e instanceof Expr.Unary u) {
            expr(u.operand());
        } else if (e instanceof Expr.Binary b) {
            expr(b.left());
            expr(b.right());
        } else if (e instanceof Expr.Concat c) {
            c.parts().forEach(this::expr);
        } else if (e instanceof Expr.Compare c) {
            expr(c.first());
            c.rest().forEach(o -> expr(o.expr()));
        } else if (e instanceof Expr.CondExpr c) {
            expr(c.test());
            expr(c.then());
            expr(c.otherwise());
        } else if (e instanceof Expr.ListLit l) {
            l.items().forEach(this::expr);
        } else if (e instanceof Expr.TupleLit t) {
            t.items().forEach(this::expr);
        } else if (e instanceof Expr.DictLit d) {
            d.items().forEach(p -> {
                expr(p.key());
                expr(p.value());
            });
        }
    }

    private void arguments(Expr.Arguments a) {
        a.args().forEach(this::expr);
        a.kwargs().forEach(k -> expr(k.value()));
        expr(a.dynArgs());
        expr(a.dynKwargs());
    }
}
