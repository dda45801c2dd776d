package dev.nemotron4j.chat.template.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * jinja2's statement parser ({@code Parser.subparse} and {@code parse_*}) for the tags chat templates
 * use: if/elif/else, for (with {@code if} filter, {@code else}, {@code recursive}), set (plain,
 * namespace attribute, block), with, macro, filter blocks, print, break/continue (the loopcontrols
 * extension transformers enables) and transformers' {@code generation}. Template inheritance, includes,
 * imports and call blocks are refused with a clear error: a chat template is a single file.
 */
final class Parser {
    private static final Set<String> UNSUPPORTED = Set.of("block", "extends", "include", "import", "from", "call",
            "autoescape");

    private final TokenStream s;
    private final ExprParser expr;

    private Parser(List<Token> tokens) {
        this.s = new TokenStream(tokens);
        this.expr = new ExprParser(s);
    }

    static List<Stmt> parse(String source) {
        Parser p = new Parser(Lexer.tokenize(source));
        List<Stmt> body = p.subparse(List.of());
        if (!p.s.atEnd()) {
            throw p.s.fail("unexpected " + p.s.current().describe());
        }
        return body;
    }

    /** Statements until one of {@code endTags} opens a block (left current) or the template ends. */
    private List<Stmt> subparse(List<String> endTags) {
        List<Stmt> body = new ArrayList<>();
        while (!s.atEnd()) {
            Token t = s.current();
            if (t.is(Token.Kind.DATA)) {
                body.add(new Stmt.Text((String) s.next().value()));
            } else if (t.is(Token.Kind.VARIABLE_BEGIN)) {
                s.next();
                body.add(new Stmt.Print(expr.tuple(false, true, List.of(), false), t.line()));
                s.expect(Token.Kind.VARIABLE_END);
            } else if (t.is(Token.Kind.BLOCK_BEGIN)) {
                s.next();
                if (s.current().is(Token.Kind.NAME) && endTags.contains(s.current().text())) {
                    return body;
                }
                body.addAll(statement());
                s.expect(Token.Kind.BLOCK_END);
            } else {
                throw s.fail("unexpected " + t.describe());
            }
        }
        return body;
    }

    private List<Stmt> statement() {
        Token t = s.current();
        if (!t.is(Token.Kind.NAME)) {
            throw s.fail("tag name expected");
        }
        switch (t.text()) {
            case "if": return List.of(parseIf());
            case "for": return List.of(parseFor());
            case "set": return List.of(parseSet());
            case "with": return List.of(parseWith());
            case "macro": return List.of(parseMacro());
            case "filter": {
                s.next();
                Expr filter = expr.filter(null, true);
                return List.of(new Stmt.FilterBlock(filter, statements(List.of("endfilter"), true), t.line()));
            }
            case "print": {
                s.next();
                List<Stmt> out = new ArrayList<>();
                while (!s.current().is(Token.Kind.BLOCK_END)) {
                    if (!out.isEmpty()) {
                        s.expectOp(",");
                    }
                    out.add(new Stmt.Print(expr.expression(), t.line()));
                }
                return out;
            }
            case "break": s.next(); return List.of(new Stmt.Break(t.line()));
            case "continue": s.next(); return List.of(new Stmt.Continue(t.line()));
            case "generation": {
                s.next();
                return List.of(new Stmt.Generation(statements(List.of("endgeneration"), true), t.line()));
            }
            default:
                if (UNSUPPORTED.contains(t.text())) {
                    throw s.fail("the '" + t.text() + "' tag is not supported in chat templates");
                }
                throw s.fail("Encountered unknown tag '" + t.text() + "'.");
        }
    }

    /** jinja2's parse_statements: the body up to one of {@code endTags}. */
    private List<Stmt> statements(List<String> endTags, boolean dropNeedle) {
        s.skipOp(":");
        s.expect(Token.Kind.BLOCK_END);
        List<Stmt> body = subparse(endTags);
        if (s.atEnd()) {
            throw s.fail("Unexpected end of template. Jinja was looking for the following tags: '"
                    + String.join("' or '", endTags) + "'.");
        }
        if (dropNeedle) {
            s.next();
        }
        return body;
    }

    private Stmt parseIf() {
        int line = s.expectName("if").line();
        List<Stmt.Branch> branches = new ArrayList<>();
        List<Stmt> otherwise = List.of();
        while (true) {
            Expr test = expr.tuple(false, false, List.of(), false);
            branches.add(new Stmt.Branch(test, statements(List.of("elif", "else", "endif"), false)));
            Token t = s.next();
            if (t.isName("elif")) {
                continue;
            }
            if (t.isName("else")) {
                otherwise = statements(List.of("endif"), true);
            }
            return new Stmt.If(branches, otherwise, line);
        }
    }

    private Stmt parseFor() {
        int line = s.expectName("for").line();
        Stmt.Target target = target(expr.tuple(true, true, List.of("in"), false));
        s.expectName("in");
        Expr iter = expr.tuple(false, false, List.of("recursive"), false);
        Expr filter = s.skipName("if") ? expr.expression() : null;
        boolean recursive = s.skipName("recursive");
        List<Stmt> body = statements(List.of("endfor", "else"), false);
        List<Stmt> otherwise = s.next().isName("endfor") ? List.of() : statements(List.of("endfor"), true);
        return new Stmt.For(target, iter, filter, recursive, body, otherwise, line);
    }

    private Stmt parseSet() {
        int line = s.expectName("set").line();
        Stmt.Target target;
        if (s.current().is(Token.Kind.NAME) && s.look().isOp(".")) {
            String ns = s.next().text();
            s.next();
            target = new Stmt.NamespaceTarget(ns, s.expect(Token.Kind.NAME).text());
        } else {
            target = target(expr.tuple(true, true, List.of(), false));
        }
        if (s.skipOp("=")) {
            return new Stmt.Assign(target, expr.tuple(false, true, List.of(), false), line);
        }
        Expr filter = s.current().isOp("|") ? expr.filter(null, false) : null;
        return new Stmt.AssignBlock(target, filter, statements(List.of("endset"), true), line);
    }

    private Stmt parseWith() {
        int line = s.expectName("with").line();
        List<Stmt.Target> targets = new ArrayList<>();
        List<Expr> values = new ArrayList<>();
        while (!s.current().is(Token.Kind.BLOCK_END)) {
            if (!targets.isEmpty()) {
                s.expectOp(",");
            }
            targets.add(target(expr.tuple(true, true, List.of(), false)));
            s.expectOp("=");
            values.add(expr.expression());
        }
        return new Stmt.With(targets, values, statements(List.of("endwith"), true), line);
    }

    private Stmt parseMacro() {
        int line = s.expectName("macro").line();
        String name = s.expect(Token.Kind.NAME).text();
        List<String> params = new ArrayList<>();
        List<Expr> defaults = new ArrayList<>();
        s.expectOp("(");
        while (!s.current().isOp(")")) {
            if (!params.isEmpty()) {
                s.expectOp(",");
            }
            params.add(s.expect(Token.Kind.NAME).text());
            if (s.skipOp("=")) {
                defaults.add(expr.expression());
            } else if (!defaults.isEmpty()) {
                throw s.fail("non-default argument follows default argument");
            }
        }
        s.expectOp(")");
        return new Stmt.Macro(name, params, defaults, statements(List.of("endmacro"), true), line);
    }

    private Stmt.Target target(Expr e) {
        if (e instanceof Expr.Name n) {
            return new Stmt.NameTarget(n.name());
        }
        if (e instanceof Expr.TupleLit t) {
            List<Stmt.Target> items = new ArrayList<>();
            t.items().forEach(x -> items.add(target(x)));
            return new Stmt.TupleTarget(items);
        }
        throw s.fail("can't assign to " + e.getClass().getSimpleName().toLowerCase());
    }
}
