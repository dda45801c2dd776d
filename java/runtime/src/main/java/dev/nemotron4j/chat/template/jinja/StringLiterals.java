package dev.nemotron4j.chat.template.jinja;

/**
 * Decodes a template string literal exactly as jinja2's lexer does:
 * {@code body.encode("ascii", "backslashreplace").decode("unicode-escape")}. So {@code \n}, {@code \t},
 * {@code \x41}, {@code \u00e9}, {@code \N{BULLET}} and octal escapes are decoded, an unknown escape such
 * as {@code \d} stays as written, and a backslash before a non-ASCII character escapes the backslash
 * of that character's own escape ({@code "\é"} becomes the four characters {@code \xe9}).
 */
final class StringLiterals {
    private StringLiterals() {}

    static String decode(String body, int line) {
        return unicodeEscape(backslashReplace(body), line);
    }

    /** Python's {@code encode("ascii", "backslashreplace")}, as text. */
    private static String backslashReplace(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (c < 0x80) {
                out.append((char) c);
            } else if (c <= 0xFF) {
                out.append(String.format("\\x%02x", c));
            } else if (c <= 0xFFFF) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.append(String.format("\\U%08x", c));
            }
        });
        return out.toString();
    }

    /** Python's {@code decode("unicode-escape")} of an ASCII string. */
    private static String unicodeEscape(String s, int line) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (i >= s.length()) {
                throw new TemplateSyntaxError("\\ at end of string", line);
            }
            char e = s.charAt(i++);
            switch (e) {
                case '\n': break;
                case '\\': out.append('\\'); break;
                case '\'': out.append('\''); break;
                case '"': out.append('"'); break;
                case 'a': out.append('\u0007'); break;
                case 'b': out.append('\b'); break;
                case 'f': out.append('\f'); break;
                case 'n': out.append('\n'); break;
                case 'r': out.append('\r'); break;
                case 't': out.append('\t'); break;
                case 'v': out.append('\u000b'); break;
                case 'x': i = hex(s, i, 2, "\\xXX", out, line); break;
                case 'u': i = hex(s, i, 4, "\\uXXXX", out, line); break;
                case 'U': i = hex(s, i, 8, "\\UXXXXXXXX", out, line); break;
                case 'N': i = named(s, i, out, line); break;
                default:
                    if (e >= '0' && e <= '7') {
                        int value = e - '0';
                        for (int n = 1; n < 3 && i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '7'; n++) {
                            value = value * 8 + (s.charAt(i++) - '0');
                        }
                        out.appendCodePoint(value);
                    } else {
                        out.append('\\').append(e);
                    }
            }
        }
        return out.toString();
    }

    private static int hex(String s, int i, int digits, String what, StringBuilder out, int line) {
        if (i + digits > s.length() || !s.substring(i, i + digits).matches("[0-9a-fA-F]+")) {
            throw new TemplateSyntaxError("truncated " + what + " escape", line);
        }
        int value = Integer.parseUnsignedInt(s.substring(i, i + digits), 16);
        if (value < 0 || value > Character.MAX_CODE_POINT) {
            throw new TemplateSyntaxError("illegal Unicode character", line);
        }
        out.appendCodePoint(value);
        return i + digits;
    }

    private static int named(String s, int i, StringBuilder out, int line) {
        int end = s.indexOf('}', i);
        if (i >= s.length() || s.charAt(i) != '{' || end < 0) {
            throw new TemplateSyntaxError("malformed \\N character escape", line);
        }
        try {
            out.appendCodePoint(Character.codePointOf(s.substring(i + 1, end)));
        } catch (IllegalArgumentException e) {
            throw new TemplateSyntaxError("unknown Unicode character name", line);
        }
        return end + 1;
    }
}
