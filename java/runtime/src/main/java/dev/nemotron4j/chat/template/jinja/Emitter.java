package dev.nemotron4j.chat.template.jinja;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns parsed statements into the Jinjava template that runs them: a sequence of {@code {% py_* N %}}
 * tags (see {@link PyTags}) whose index N points into a list of specs. Text goes through a tag as well,
 * so Jinjava's own whitespace handling and scanner never touch template text. Checks what jinja2
 * checks at compile time: {@code break}/{@code continue} outside a loop, unknown filters and tests
 * outside an {@code if}.
 */
final class Emitter {
    /** The compiled template: Jinjava source plus the specs its tags point into. */
    record Emitted(String source, List<Object> specs) {}

    private final StringBuilder out = new StringBuilder();
    private final List<Object> specs = new ArrayList<>();
    private final ElCompiler el = new ElCompiler();
    private int loopDepth;

    static Emitted emit(List<Stmt> body) {
        Emitter e = new Emitter();
        e.block(body, false);
        if (!e.el.unknownNames().isEmpty()) {
            ElCompiler.Unknown first = e.el.unknownNames().get(0);
            String why = first.kind().equals("filter") && PyFilters.UNSUPPORTED.contains(first.name())
                    ? "the jinja2 filter '" + first.name() + "' is not supported by this engine"
                    : "No " + first.kind() + " named '" + first.name() + "'.";
            throw new TemplateSyntaxError(why, first.line());
        }
        return new Emitted(e.out.toString(), List.copyOf(e.specs));
    }

    private void block(List<Stmt> body, boolean soft) {
        body.forEach(s -> statement(s, soft));
    }

    private int spec(Object spec) {
        specs.add(spec);
        return specs.size() - 1;
    }

    private void tag(String name, Object spec) {
        out.append("{% ").append(name).append(' ').append(spec(spec)).append(" %}");
    }

    private void bare(String name) {
        out.append("{% ").append(name).append(" %}");
    }

    private void statement(Stmt s, boolean soft) {
        if (s instanceof Stmt.Text t) {
            tag("py_text", t.text());
        } else if (s instanceof Stmt.Print p) {
            tag("py_print", el.compile(p.value(), soft));
        } else if (s instanceof Stmt.If i) {
            for (int b = 0; b < i.branches().size(); b++) {
                Stmt.Branch branch = i.branches().get(b);
                tag(b == 0 ? "py_if" : "py_elif", "py:truth(" + el.compile(branch.test(), true) + ")");
                block(branch.body(), true);
            }
            if (!i.otherwise().isEmpty()) {
                bare("py_else");
                block(i.otherwise(), true);
            }
            bare("endpy_if");
        } else if (s instanceof Stmt.For f) {
            String filter = f.filter() == null ? null : "py:truth(" + el.compile(f.filter(), false) + ")";
            tag("py_for", new Specs.ForSpec(f.target(), el.compile(f.iter(), soft), filter, f.recursive()));
            loopDepth++;
            block(f.body(), false);
            loopDepth--;
            if (!f.otherwise().isEmpty()) {
                bare("py_else");
                block(f.otherwise(), false);
            }
            bare("endpy_for");
        } else if (s instanceof Stmt.Assign a) {
            tag("py_set", new Specs.SetSpec(a.target(), el.compile(a.value(), soft)));
        } else if (s instanceof Stmt.AssignBlock a) {
            tag("py_setblock", new Specs.BlockSetSpec(a.target(), a.filter() == null ? null : el.compile(a.filter(), soft)));
            block(a.body(), false);
            bare("endpy_setblock");
        } else if (s instanceof Stmt.With w) {
            List<String> values = w.values().stream().map(v -> el.compile(v, soft)).toList();
            tag("py_with", new Specs.WithSpec(w.targets(), values));
            block(w.body(), false);
            bare("endpy_with");
        } else if (s instanceof Stmt.Macro m) {
            macro(m);
        } else if (s instanceof Stmt.FilterBlock f) {
            tag("py_filterblock", el.compile(f.filter(), soft));
            block(f.body(), false);
            bare("endpy_filterblock");
        } else if (s instanceof Stmt.Break || s instanceof Stmt.Continue) {
            boolean isBreak = s instanceof Stmt.Break;
            if (loopDepth == 0) {
                throw new TemplateSyntaxError("'" + (isBreak ? "break" : "continue") + "' outside loop",
                        isBreak ? ((Stmt.Break) s).line() : ((Stmt.Continue) s).line());
            }
            bare(isBreak ? "py_break" : "py_continue");
        } else if (s instanceof Stmt.Generation g) {
            bare("py_generation");
            block(g.body(), soft);
            bare("endpy_generation");
        }
    }

    private void macro(Stmt.Macro m) {
        List<String> defaults = m.defaults().stream().map(d -> el.compile(d, false)).toList();
        NameScan names = new NameScan();
        m.body().forEach(names::statement);
        tag("py_macro", new Specs.MacroSpec(m.name(), m.params(), defaults, names.contains("varargs"),
                names.contains("kwargs")));
        int savedDepth = loopDepth;
        loopDepth = 0; // a macro body is its own function: break cannot leave it
        block(m.body(), false);
        loopDepth = savedDepth;
        bare("endpy_macro");
    }
}
