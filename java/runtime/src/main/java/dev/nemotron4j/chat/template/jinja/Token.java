package dev.nemotron4j.chat.template.jinja;

/**
 * One token of a template as jinja2's lexer produces it after whitespace control: text ({@code DATA},
 * newlines already normalized), the delimiters of {@code {{ }}} and {@code {% %}}, and inside them
 * names, literals and operators. Comments and raw-block markers are already gone.
 */
record Token(Kind kind, String text, Object value, int line) {
    enum Kind {
        DATA, VARIABLE_BEGIN, VARIABLE_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INTEGER, FLOAT, OPERATOR, EOF
    }

    boolean is(Kind k) {
        return kind == k;
    }

    /** An operator token with this spelling. */
    boolean isOp(String op) {
        return kind == Kind.OPERATOR && text.equals(op);
    }

    /** A name token with this spelling ({@code name:if} in jinja2's parser). */
    boolean isName(String name) {
        return kind == Kind.NAME && text.equals(name);
    }

    String describe() {
        switch (kind) {
            case EOF: return "end of template";
            case VARIABLE_END: return "end of print statement";
            case BLOCK_END: return "end of statement block";
            case DATA: return "template data";
            default: return "'" + text + "'";
        }
    }
}
