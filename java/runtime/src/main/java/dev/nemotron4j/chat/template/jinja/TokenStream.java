package dev.nemotron4j.chat.template.jinja;

import java.util.List;

/** A cursor over the lexer's tokens with jinja2's TokenStream helpers (expect, skip_if, look). */
final class TokenStream {
    private final List<Token> tokens;
    private int index;

    TokenStream(List<Token> tokens) {
        this.tokens = tokens;
    }

    Token current() {
        return tokens.get(index);
    }

    /** The token after the current one. */
    Token look() {
        return tokens.get(Math.min(index + 1, tokens.size() - 1));
    }

    Token next() {
        Token t = current();
        if (index < tokens.size() - 1) {
            index++;
        }
        return t;
    }

    boolean atEnd() {
        return current().is(Token.Kind.EOF);
    }

    boolean skipOp(String op) {
        if (current().isOp(op)) {
            next();
            return true;
        }
        return false;
    }

    boolean skipName(String name) {
        if (current().isName(name)) {
            next();
            return true;
        }
        return false;
    }

    Token expect(Token.Kind kind) {
        if (!current().is(kind)) {
            throw fail("expected token '" + kind.name().toLowerCase() + "', got " + current().describe());
        }
        return next();
    }

    Token expectOp(String op) {
        if (!current().isOp(op)) {
            throw fail("expected token '" + op + "', got " + current().describe());
        }
        return next();
    }

    Token expectName(String name) {
        if (!current().isName(name)) {
            throw fail("expected token '" + name + "', got " + current().describe());
        }
        return next();
    }

    TemplateSyntaxError fail(String message) {
        return new TemplateSyntaxError(message, current().line());
    }
}
