package dev.nemotron4j.chat.template.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * jinja2's expression grammar ({@code Parser.parse_expression} and below), precedence for precedence:
 * conditional, or, and, not, comparisons ({@code in}, {@code not in}), {@code + -}, {@code ~},
 * {@code * / // %}, {@code **}, unary {@code - +}, then primaries with subscripts, calls, filters
 * and tests. Note jinja2's own quirks kept here: filters bind tighter than unary minus only through
 * {@code parse_unary}, {@code -2**2} is 4, and adjacent string literals concatenate.
 */
final class ExprParser {
    private static final Set<String> COMPARE = Set.of("==", "!=", "<", "<=", ">", ">=");
    private static final Set<String> TEST_ARG_START = Set.of("(", "[", "{");

    private final TokenStream s;

    ExprParser(TokenStream stream) {
        this.s = stream;
    }

    Expr expression() {
        return condexpr();
    }

    Expr expression(boolean withCondexpr) {
        return withCondexpr ? condexpr() : or();
    }

    private Expr condexpr() {
        Expr expr = or();
        while (s.skipName("if")) {
            Expr test = or();
            Expr otherwise = s.skipName("else") ? condexpr() : null;
            expr = new Expr.CondExpr(test, expr, otherwise);
        }
        return expr;
    }

    private Expr or() {
        Expr left = and();
        while (s.skipName("or")) {
            left = new Expr.Binary("or", left, and());
        }
        return left;
    }

    private Expr and() {
        Expr left = not();
        while (s.skipName("and")) {
            left = new Expr.Binary("and", left, not());
        }
        return left;
    }

    private Expr not() {
        if (s.skipName("not")) {
            return new Expr.Unary("not", not());
        }
        return compare();
    }

    private Expr compare() {
        Expr first = math1();
        List<Expr.Operand> ops = new ArrayList<>();
        while (true) {
            Token t = s.current();
            if (t.is(Token.Kind.OPERATOR) && COMPARE.contains(t.text())) {
                s.next();
                ops.add(new Expr.Operand(t.text(), math1()));
            } else if (s.skipName("in")) {
                ops.add(new Expr.Operand("in", math1()));
            } else if (t.isName("not") && s.look().isName("in")) {
                s.next();
                s.next();
                ops.add(new Expr.Operand("not in", math1()));
            } else {
                break;
            }
        }
        return ops.isEmpty() ? first : new Expr.Compare(first, ops);
    }

    private Expr math1() {
        Expr left = concat();
        while (s.current().isOp("+") || s.current().isOp("-")) {
            String op = s.next().text();
            left = new Expr.Binary(op, left, concat());
        }
        return left;
    }

    private Expr concat() {
        List<Expr> parts = new ArrayList<>();
        parts.add(math2());
        while (s.skipOp("~")) {
            parts.add(math2());
        }
        return parts.size() == 1 ? parts.get(0) : new Expr.Concat(parts);
    }

    private Expr math2() {
        Expr left = pow();
        while (s.current().isOp("*") || s.current().isOp("/") || s.current().isOp("//") || s.current().isOp("%")) {
            String op = s.next().text();
            left = new Expr.Binary(op, left, pow());
        }
        return left;
    }

    private Expr pow() {
        Expr left = unary(true);
        while (s.skipOp("**")) {
            left = new Expr.Binary("**", left, unary(true));
        }
        return left;
    }

    private Expr unary(boolean withFilter) {
        Expr node;
        if (s.skipOp("-")) {
            node = new Expr.Unary("-", unary(false));
        } else if (s.skipOp("+")) {
            node = new Expr.Unary("+", unary(false));
        } else {
            node = primary();
        }
        node = postfix(node);
        return withFilter ? filterExpr(node) : node;
    }

    Expr primary() {
        Token t = s.current();
        switch (t.kind()) {
            case NAME: {
                s.next();
                switch (t.text()) {
                    case "true": case "True": return new Expr.Const(Boolean.TRUE);
                    case "false": case "False": return new Expr.Const(Boolean.FALSE);
                    case "none": case "None": return new Expr.Const(PyNone.NONE);
                    default: return new Expr.Name(t.text());
                }
            }
            case STRING: {
                StringBuilder text = new StringBuilder();
                while (s.current().is(Token.Kind.STRING)) {
                    text.append((String) s.next().value());
                }
                return new Expr.Const(text.toString());
            }
            case INTEGER: case FLOAT:
                s.next();
                return new Expr.Const(t.value());
            default:
                break;
        }
        if (s.skipOp("(")) {
            Expr inner = tuple(false, true, List.of(), true);
            s.expectOp(")");
            return inner;
        }
        if (t.isOp("[")) {
            return list();
        }
        if (t.isOp("{")) {
            return dict();
        }
        throw s.fail("unexpected " + t.describe());
    }

    /**
     * jinja2's parse_tuple: a comma makes a tuple. {@code simplified} parses primaries only (assignment
     * targets); {@code endNames} are names that end the tuple besides the usual delimiters.
     */
    Expr tuple(boolean simplified, boolean withCondexpr, List<String> endNames, boolean explicitParentheses) {
        List<Expr> items = new ArrayList<>();
        boolean isTuple = false;
        while (true) {
            if (!items.isEmpty()) {
                s.expectOp(",");
            }
            if (tupleEnd(endNames)) {
                break;
            }
            items.add(simplified ? primary() : expression(withCondexpr));
            if (s.current().isOp(",")) {
                isTuple = true;
            } else {
                break;
            }
        }
        if (!isTuple) {
            if (!items.isEmpty()) {
                return items.get(0);
            }
            if (!explicitParentheses) {
                throw s.fail("Expected an expression, got " + s.current().describe());
            }
        }
        return new Expr.TupleLit(items);
    }

    private boolean tupleEnd(List<String> endNames) {
        Token t = s.current();
        return t.is(Token.Kind.VARIABLE_END) || t.is(Token.Kind.BLOCK_END) || t.isOp(")")
                || t.is(Token.Kind.NAME) && endNames.contains(t.text());
    }

    private Expr list() {
        s.expectOp("[");
        List<Expr> items = new ArrayList<>();
        while (!s.current().isOp("]")) {
            if (!items.isEmpty()) {
                s.expectOp(",");
            }
            if (s.current().isOp("]")) {
                break;
            }
            items.add(expression());
        }
        s.expectOp("]");
        return new Expr.ListLit(items);
    }

    private Expr dict() {
        s.expectOp("{");
        List<Expr.Pair> items = new ArrayList<>();
        while (!s.current().isOp("}")) {
            if (!items.isEmpty()) {
                s.expectOp(",");
            }
            if (s.current().isOp("}")) {
                break;
            }
            Expr key = expression();
            s.expectOp(":");
            items.add(new Expr.Pair(key, expression()));
        }
        s.expectOp("}");
        return new Expr.DictLit(items);
    }

    private Expr postfix(Expr node) {
        while (true) {
            if (s.current().isOp(".") || s.current().isOp("[")) {
                node = subscript(node);
            } else if (s.current().isOp("(")) {
                node = new Expr.Call(node, callArgs());
            } else {
                return node;
            }
        }
    }

    private Expr filterExpr(Expr node) {
        while (true) {
            if (s.current().isOp("|")) {
                node = filter(node, false);
            } else if (s.current().isName("is")) {
                node = test(node);
            } else if (s.current().isOp("(")) {
                node = new Expr.Call(node, callArgs());
            } else {
                return node;
            }
        }
    }

    private Expr subscript(Expr node) {
        Token t = s.next();
        if (t.isOp(".")) {
            Token attr = s.next();
            if (attr.is(Token.Kind.NAME)) {
                return new Expr.Getattr(node, attr.text());
            }
            if (!attr.is(Token.Kind.INTEGER)) {
                throw new TemplateSyntaxError("expected name or number", attr.line());
            }
            return new Expr.Getitem(node, new Expr.Const(attr.value()));
        }
        List<Expr> args = new ArrayList<>();
        while (!s.current().isOp("]")) {
            if (!args.isEmpty()) {
                s.expectOp(",");
            }
            args.add(subscribed(node));
        }
        s.expectOp("]");
        if (args.size() == 1) {
            return args.get(0) instanceof Expr.Slice slice ? slice : new Expr.Getitem(node, args.get(0));
        }
        if (args.stream().anyMatch(a -> a instanceof Expr.Slice)) {
            throw s.fail("multi-dimensional slicing is not supported");
        }
        return new Expr.Getitem(node, new Expr.TupleLit(args));
    }

    private Expr subscribed(Expr obj) {
        Expr[] parts = new Expr[3];
        if (s.current().isOp(":")) {
            s.next();
        } else {
            Expr node = expression();
            if (!s.current().isOp(":")) {
                return node;
            }
            s.next();
            parts[0] = node;
        }
        if (!s.current().isOp(":") && !s.current().isOp("]") && !s.current().isOp(",")) {
            parts[1] = expression();
        }
        if (s.skipOp(":") && !s.current().isOp("]") && !s.current().isOp(",")) {
            parts[2] = expression();
        }
        return new Expr.Slice(obj, parts[0], parts[1], parts[2]);
    }

    Expr.Arguments callArgs() {
        Token open = s.expectOp("(");
        List<Expr> args = new ArrayList<>();
        List<Expr.Keyword> kwargs = new ArrayList<>();
        Expr dynArgs = null;
        Expr dynKwargs = null;
        boolean requireComma = false;
        while (!s.current().isOp(")")) {
            if (requireComma) {
                s.expectOp(",");
                if (s.current().isOp(")")) {
                    break;
                }
            }
            if (s.current().isOp("*")) {
                ensure(dynArgs == null && dynKwargs == null, open);
                s.next();
                dynArgs = expression();
            } else if (s.current().isOp("**")) {
                ensure(dynKwargs == null, open);
                s.next();
                dynKwargs = expression();
            } else if (s.current().is(Token.Kind.NAME) && s.look().isOp("=")) {
                ensure(dynKwargs == null, open);
                String key = s.next().text();
                s.next();
                kwargs.add(new Expr.Keyword(key, expression()));
            } else {
                ensure(dynArgs == null && dynKwargs == null && kwargs.isEmpty(), open);
                args.add(expression());
            }
            requireComma = true;
        }
        s.expectOp(")");
        return new Expr.Arguments(args, kwargs, dynArgs, dynKwargs);
    }

    private static void ensure(boolean ok, Token open) {
        if (!ok) {
            throw new TemplateSyntaxError("invalid syntax for function call expression", open.line());
        }
    }

    /** {@code |name(args)|...}; with {@code startInline} the first filter has no leading pipe. */
    Expr filter(Expr node, boolean startInline) {
        while (s.current().isOp("|") || startInline) {
            if (!startInline) {
                s.next();
            }
            Token name = s.expect(Token.Kind.NAME);
            String full = dotted(name.text());
            Expr.Arguments arguments = s.current().isOp("(") ? callArgs() : Expr.Arguments.NONE;
            node = new Expr.Filter(node, full, arguments, name.line());
            startInline = false;
        }
        return node;
    }

    private Expr test(Expr node) {
        int line = s.next().line(); // "is"
        boolean negated = s.skipName("not");
        String name = dotted(s.expect(Token.Kind.NAME).text());
        Expr.Arguments arguments = Expr.Arguments.NONE;
        Token t = s.current();
        if (t.isOp("(")) {
            arguments = callArgs();
        } else if ((t.is(Token.Kind.NAME) || t.is(Token.Kind.STRING) || t.is(Token.Kind.INTEGER) || t.is(Token.Kind.FLOAT)
                || t.is(Token.Kind.OPERATOR) && TEST_ARG_START.contains(t.text()))
                && !t.isName("else") && !t.isName("or") && !t.isName("and")) {
            if (t.isName("is")) {
                throw s.fail("You cannot chain multiple tests with is");
            }
            arguments = new Expr.Arguments(List.of(postfix(primary())), List.of(), null, null);
        }
        Expr test = new Expr.Test(node, name, arguments, line);
        return negated ? new Expr.Unary("not", test) : test;
    }

    private String dotted(String first) {
        StringBuilder name = new StringBuilder(first);
        while (s.skipOp(".")) {
            name.append('.').append(s.expect(Token.Kind.NAME).text());
        }
        return name.toString();
    }
}
