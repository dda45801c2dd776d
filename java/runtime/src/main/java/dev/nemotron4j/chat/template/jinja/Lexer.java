package dev.nemotron4j.chat.template.jinja;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * jinja2's lexer (3.1) for transformers' settings: default delimiters, {@code trim_blocks=True},
 * {@code lstrip_blocks=True}, {@code keep_trailing_newline=False}. Whitespace control is decided here,
 * with jinja2's exact rules, so nothing downstream trims anything:
 * <ul>
 *   <li>{@code {%-}/{{-}/{#-} strip all whitespace before the tag, {@code -%}/{@code -}}}/{@code -#}} all after;</li>
 *   <li>lstrip: a block or comment tag preceded on its line only by spaces/tabs loses them (not {@code {{},
 *       not {@code {%+});</li>
 *   <li>trim: the first newline after a block or comment tag is dropped (not after {@code }}} or {@code +%}}).</li>
 * </ul>
 * {@code \r\n} and {@code \r} become {@code \n}, one trailing newline of the source is dropped, and an
 * end delimiter only counts when brackets inside the tag are balanced ({@code {{ {'a': {'b': 1}} }}}).
 */
final class Lexer {
    private static final Pattern FLOAT = Pattern.compile(
            "(?<!\\.)(?:[0-9]+_)*[0-9]+(?:(?:\\.(?:[0-9]+_)*[0-9]+)?[eE][+\\-]?(?:[0-9]+_)*[0-9]+|\\.(?:[0-9]+_)*[0-9]+)");
    private static final Pattern INTEGER = Pattern.compile(
            "0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[0-9a-fA-F])+|[1-9](?:_?[0-9])*|0(?:_?0)*");
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{Nl}\\p{Mn}\\p{Mc}\\p{Nd}\\p{Pc}]+");
    private static final Pattern RAW_BEGIN = Pattern.compile("\\{%([-+]?)\\s*raw\\s*(?:-%\\}\\s*|%\\})",
            Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern RAW_END = Pattern.compile("\\{%([-+]?)\\s*endraw\\s*(?:\\+%\\}|-%\\}\\s*|%\\}\\n?)",
            Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern COMMENT_END = Pattern.compile("\\+#\\}|-#\\}\\s*|#\\}\\n?", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern BLOCK_END = Pattern.compile("\\+%\\}|-%\\}\\s*|%\\}\\n?", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern VARIABLE_END = Pattern.compile("-\\}\\}\\s*|\\}\\}", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
    private static final String[] OPERATORS = {"//", "**", "==", "!=", ">=", "<=", "+", "-", "/", "*", "%", "~",
        "[", "]", "(", ")", "{", "}", "=", "<", ">", ".", ":", "|", ",", ";"};

    private final String source;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;
    private int line = 1;
    private boolean lineStarting = true;

    private Lexer(String source) {
        this.source = source;
    }

    static List<Token> tokenize(String template) {
        Lexer lexer = new Lexer(normalizeNewlines(template));
        lexer.root();
        lexer.tokens.add(new Token(Token.Kind.EOF, "", null, lexer.line));
        return lexer.tokens;
    }

    /** Every line break becomes \n; one trailing line break is dropped (keep_trailing_newline=False). */
    static String normalizeNewlines(String s) {
        String n = s.replace("\r\n", "\n").replace('\r', '\n');
        return n.endsWith("\n") ? n.substring(0, n.length() - 1) : n;
    }

    private void root() {
        while (pos < source.length()) {
            int start = nextTagStart(pos);
            if (start < 0) {
                data(source.substring(pos));
                return;
            }
            char kind = source.charAt(start + 1);
            Matcher raw = kind == '%' ? RAW_BEGIN.matcher(source).region(start, source.length()) : null;
            boolean isRaw = raw != null && raw.lookingAt();
            int signAt = start + 2;
            char sign = signAt < source.length() && (source.charAt(signAt) == '-' || source.charAt(signAt) == '+')
                    ? source.charAt(signAt) : 0;
            data(whitespaceControl(source.substring(pos, start), sign, kind != '{'));
            countLines(source.substring(pos, start));
            int end = isRaw ? raw.end() : signAt + (sign != 0 ? 1 : 0);
            lineStarting = source.charAt(end - 1) == '\n';
            countLines(source.substring(start, end));
            pos = end;
            if (isRaw) {
                raw();
            } else if (kind == '#') {
                comment();
            } else {
                tag(kind == '{');
            }
        }
    }

    private int nextTagStart(int from) {
        for (int i = source.indexOf('{', from); i >= 0 && i + 1 < source.length(); i = source.indexOf('{', i + 1)) {
            char c = source.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
        }
        return -1;
    }

    /** jinja2's OptionalLStrip for the text before a tag with whitespace-control sign {@code sign}. */
    private String whitespaceControl(String text, char sign, boolean lstrip) {
        if (sign == '-') {
            return PyStrings.strip(text, null, false, true);
        }
        if (sign != '+' && lstrip) {
            int lineStart = text.lastIndexOf('\n') + 1;
            if ((lineStart > 0 || lineStarting) && text.substring(lineStart).chars().allMatch(c -> c == ' ' || c == '\t')) {
                return text.substring(0, lineStart);
            }
        }
        return text;
    }

    private void data(String text) {
        if (!text.isEmpty()) {
            tokens.add(new Token(Token.Kind.DATA, text, text, line));
        }
    }

    private void comment() {
        Matcher end = COMMENT_END.matcher(source);
        if (pos >= source.length()) {
            return; // jinja2 accepts a "{#" that is the very last thing in the template
        }
        if (!end.find(pos)) {
            throw new TemplateSyntaxError("Missing end of comment tag", line);
        }
        finish(end);
    }

    private void raw() {
        Matcher end = RAW_END.matcher(source);
        if (pos >= source.length()) {
            return; // as for comments, nothing after the opening tag is not an error
        }
        if (!end.find(pos)) {
            throw new TemplateSyntaxError("Missing end of raw directive", line);
        }
        String text = source.substring(pos, end.start());
        char sign = end.group(1).isEmpty() ? 0 : end.group(1).charAt(0);
        data(whitespaceControl(text, sign, true));
        finish(end);
    }

    /** Consumes everything up to the end of an end-delimiter match (with the whitespace it trims). */
    private void finish(Matcher end) {
        countLines(source.substring(pos, end.end()));
        lineStarting = end.end() > end.start() && source.charAt(end.end() - 1) == '\n';
        pos = end.end();
    }

    private void tag(boolean variable) {
        tokens.add(new Token(variable ? Token.Kind.VARIABLE_BEGIN : Token.Kind.BLOCK_BEGIN, variable ? "{{" : "{%", null, line));
        Deque<Character> balance = new ArrayDeque<>();
        while (pos < source.length()) {
            Matcher end = (variable ? VARIABLE_END : BLOCK_END).matcher(source).region(pos, source.length());
            if (balance.isEmpty() && end.lookingAt()) {
                tokens.add(new Token(variable ? Token.Kind.VARIABLE_END : Token.Kind.BLOCK_END, variable ? "}}" : "%}", null, line));
                finish(end);
                return;
            }
            token(balance);
        }
    }

    private void token(Deque<Character> balance) {
        Matcher m = WHITESPACE.matcher(source).region(pos, source.length());
        if (m.lookingAt()) {
            countLines(m.group());
            pos = m.end();
            return;
        }
        if ((m = FLOAT.matcher(source).region(pos, source.length()).useTransparentBounds(true)).lookingAt()) {
            add(Token.Kind.FLOAT, m.group(), Double.parseDouble(m.group().replace("_", "")), m.end());
        } else if ((m = INTEGER.matcher(source).region(pos, source.length())).lookingAt()) {
            add(Token.Kind.INTEGER, m.group(), integer(m.group().replace("_", "").toLowerCase()), m.end());
        } else if ((m = NAME.matcher(source).region(pos, source.length())).lookingAt()) {
            String name = m.group();
            if (!Character.isLetter(name.codePointAt(0)) && name.charAt(0) != '_') {
                throw new TemplateSyntaxError("Invalid character in identifier", line);
            }
            add(Token.Kind.NAME, name, name, m.end());
        } else if (source.charAt(pos) == '\'' || source.charAt(pos) == '"') {
            string();
        } else {
            operator(balance);
        }
    }

    private static Object integer(String text) {
        int radix = text.startsWith("0b") ? 2 : text.startsWith("0o") ? 8 : text.startsWith("0x") ? 16 : 10;
        return PyValues.normalize(new BigInteger(radix == 10 ? text : text.substring(2), radix));
    }

    private void string() {
        char quote = source.charAt(pos);
        int i = pos + 1;
        while (i < source.length() && source.charAt(i) != quote) {
            i += source.charAt(i) == '\\' ? 2 : 1;
        }
        if (i >= source.length()) {
            throw new TemplateSyntaxError("unexpected char " + PyStrings.repr(String.valueOf(quote)) + " at " + pos, line);
        }
        String raw = source.substring(pos, i + 1);
        add(Token.Kind.STRING, raw, StringLiterals.decode(raw.substring(1, raw.length() - 1), line), i + 1);
    }

    private void operator(Deque<Character> balance) {
        for (String op : OPERATORS) {
            if (source.startsWith(op, pos)) {
                char c = op.charAt(0);
                if (op.length() == 1 && (c == '(' || c == '[' || c == '{')) {
                    balance.push(c == '(' ? ')' : c == '[' ? ']' : '}');
                } else if (op.length() == 1 && (c == ')' || c == ']' || c == '}')) {
                    if (balance.isEmpty()) {
                        throw new TemplateSyntaxError("unexpected '" + c + "'", line);
                    }
                    char expected = balance.pop();
                    if (expected != c) {
                        throw new TemplateSyntaxError("unexpected '" + c + "', expected '" + expected + "'", line);
                    }
                }
                add(Token.Kind.OPERATOR, op, op, pos + op.length());
                return;
            }
        }
        throw new TemplateSyntaxError("unexpected char " + PyStrings.repr(source.substring(pos, pos + 1)) + " at " + pos, line);
    }

    private void add(Token.Kind kind, String text, Object value, int end) {
        tokens.add(new Token(kind, text, value, line));
        countLines(text);
        pos = end;
    }

    private void countLines(String s) {
        line += (int) s.chars().filter(c -> c == '\n').count();
    }
}
