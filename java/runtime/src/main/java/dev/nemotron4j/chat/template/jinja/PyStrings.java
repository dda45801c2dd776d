package dev.nemotron4j.chat.template.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Python {@code str} semantics that Java's String does not share: code-point indexing (an emoji is one
 * character), Python's whitespace set for {@code strip()}/{@code split()} (it includes U+001C..U+001F,
 * U+0085 and the Unicode spaces, unlike {@code String.strip}), literal {@code split} that keeps empty
 * fields, {@code repr}, and code-point ordering.
 */
public final class PyStrings {
    private PyStrings() {}

    /** Python's {@code s.strip()}. */
    public static String strip(String s) {
        return strip(s, null, true, true);
    }

    /** Python's {@code s.rstrip()}. */
    public static String rstrip(String s) {
        return strip(s, null, false, true);
    }

    /** Python's {@code str.isspace()} for one code point. */
    static boolean isSpace(int c) {
        return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }

    static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    /** The substring between code-point indexes {@code [begin, end)}, both already clamped. */
    static String substring(String s, int begin, int end) {
        if (end <= begin) {
            return "";
        }
        if (s.length() == length(s)) {
            return s.substring(begin, end);
        }
        return s.substring(s.offsetByCodePoints(0, begin), s.offsetByCodePoints(0, end));
    }

    static List<String> chars(String s) {
        List<String> out = new ArrayList<>();
        s.codePoints().forEach(c -> out.add(new String(Character.toChars(c))));
        return out;
    }

    /** The code-point index of a UTF-16 index. */
    static int cpIndex(String s, int utf16Index) {
        return s.codePointCount(0, utf16Index);
    }

    static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** {@code strip([chars])}: both ends, Python whitespace when {@code chars} is null. */
    static String strip(String s, String chars, boolean left, boolean right) {
        int begin = 0;
        int end = s.length();
        while (left && begin < end) {
            int c = s.codePointAt(begin);
            if (!stripped(c, chars)) {
                break;
            }
            begin += Character.charCount(c);
        }
        while (right && end > begin) {
            int c = s.codePointBefore(end);
            if (!stripped(c, chars)) {
                break;
            }
            end -= Character.charCount(c);
        }
        return s.substring(begin, end);
    }

    private static boolean stripped(int c, String chars) {
        return chars == null ? isSpace(c) : chars.codePoints().anyMatch(x -> x == c);
    }

    /** {@code split(sep, maxsplit)}; {@code sep == null} splits on runs of whitespace and drops empties. */
    static List<String> split(String s, String sep, long maxsplit) {
        List<String> out = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            while (true) {
                while (i < s.length() && isSpace(s.codePointAt(i))) {
                    i += Character.charCount(s.codePointAt(i));
                }
                if (i >= s.length()) {
                    return out;
                }
                if (maxsplit >= 0 && out.size() == maxsplit) {
                    out.add(s.substring(i));
                    return out;
                }
                int start = i;
                while (i < s.length() && !isSpace(s.codePointAt(i))) {
                    i += Character.charCount(s.codePointAt(i));
                }
                out.add(s.substring(start, i));
            }
        }
        if (sep.isEmpty()) {
            throw TemplateRuntimeError.value("empty separator");
        }
        int start = 0;
        int at;
        while ((maxsplit < 0 || out.size() < maxsplit) && (at = s.indexOf(sep, start)) >= 0) {
            out.add(s.substring(start, at));
            start = at + sep.length();
        }
        out.add(s.substring(start));
        return out;
    }

    /** {@code rsplit(sep, maxsplit)}: like split, but the splits that count are the rightmost ones. */
    static List<String> rsplit(String s, String sep, long maxsplit) {
        if (maxsplit < 0) {
            return split(s, sep, maxsplit);
        }
        List<String> out = new ArrayList<>();
        if (sep == null) {
            int i = s.length();
            while (true) {
                while (i > 0 && isSpace(s.codePointBefore(i))) {
                    i -= Character.charCount(s.codePointBefore(i));
                }
                if (i <= 0) {
                    break;
                }
                if (out.size() == maxsplit) {
                    out.add(0, s.substring(0, i));
                    return out;
                }
                int end = i;
                while (i > 0 && !isSpace(s.codePointBefore(i))) {
                    i -= Character.charCount(s.codePointBefore(i));
                }
                out.add(0, s.substring(i, end));
            }
            return out;
        }
        if (sep.isEmpty()) {
            throw TemplateRuntimeError.value("empty separator");
        }
        int end = s.length();
        while (out.size() < maxsplit) {
            int at = s.lastIndexOf(sep, end - sep.length());
            if (at < 0) {
                break;
            }
            out.add(0, s.substring(at + sep.length(), end));
            end = at;
        }
        out.add(0, s.substring(0, end));
        return out;
    }

    static List<String> splitlines(String s, boolean keepends) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int eol = isLineBreak(c) ? (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n' ? 2 : 1) : 0;
            if (eol == 0) {
                i++;
                continue;
            }
            out.add(s.substring(start, keepends ? i + eol : i));
            i += eol;
            start = i;
        }
        if (start < s.length()) {
            out.add(s.substring(start));
        }
        return out;
    }

    private static boolean isLineBreak(char c) {
        return c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || (c >= 0x1C && c <= 0x1E) || c == 0x85
                || c == 0x2028 || c == 0x2029;
    }

    /** {@code replace(old, new, count)}, including Python's insert-between-characters for an empty old. */
    static String replace(String s, String old, String replacement, long count) {
        if (count == 0) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        long done = 0;
        if (old.isEmpty()) {
            List<String> chars = chars(s);
            for (String c : chars) {
                if (count < 0 || done < count) {
                    out.append(replacement);
                    done++;
                }
                out.append(c);
            }
            if (count < 0 || done < count) {
                out.append(replacement);
            }
            return out.toString();
        }
        int start = 0;
        int at;
        while ((count < 0 || done < count) && (at = s.indexOf(old, start)) >= 0) {
            out.append(s, start, at).append(replacement);
            start = at + old.length();
            done++;
        }
        return out.append(s.substring(start)).toString();
    }

    /** Python's {@code str.title()}: a cased character after an uncased one starts a word. */
    static String title(String s) {
        StringBuilder out = new StringBuilder();
        boolean previousCased = false;
        for (int c : s.codePoints().toArray()) {
            out.append(previousCased ? lower(c) : titlecase(c));
            previousCased = isCased(c);
        }
        return out.toString();
    }

    static String capitalize(String s) {
        if (s.isEmpty()) {
            return s;
        }
        int first = s.codePointAt(0);
        return titlecase(first) + s.substring(Character.charCount(first)).toLowerCase(Locale.ROOT);
    }

    /** Python's swapcase with full case mappings ({@code ß} becomes {@code SS}). */
    static String swapcase(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().forEach(c -> out.append(Character.isUpperCase(c) ? lower(c)
                : Character.isLowerCase(c) ? upper(c) : new String(Character.toChars(c))));
        return out.toString();
    }

    /**
     * The full titlecase mapping of one character: its titlecase letter, or for a character whose
     * uppercase is several letters ({@code ß} → {@code SS}, {@code ﬁ} → {@code FI}) the first of them
     * followed by the rest in lower case ({@code Ss}, {@code Fi}), as Unicode's SpecialCasing has it.
     */
    private static String titlecase(int c) {
        String upper = upper(c);
        if (upper.codePointCount(0, upper.length()) == 1) {
            return new String(Character.toChars(Character.toTitleCase(c)));
        }
        int first = upper.codePointAt(0);
        return new String(Character.toChars(first)) + upper.substring(Character.charCount(first)).toLowerCase(Locale.ROOT);
    }

    private static String upper(int c) {
        return new String(Character.toChars(c)).toUpperCase(Locale.ROOT);
    }

    private static String lower(int c) {
        return new String(Character.toChars(c)).toLowerCase(Locale.ROOT);
    }

    static boolean isCased(int c) {
        return Character.isUpperCase(c) || Character.isLowerCase(c) || Character.isTitleCase(c);
    }

    /** Python's {@code repr(str)}: single quotes unless the text holds a ' and no ", escapes as CPython. */
    static String repr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder out = new StringBuilder().append(quote);
        s.codePoints().forEach(c -> {
            if (c == quote || c == '\\') {
                out.append('\\').appendCodePoint(c);
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c < 0x20 || c == 0x7F) {
                out.append(String.format("\\x%02x", c));
            } else if (c < 0x7F || isPrintable(c)) {
                out.appendCodePoint(c);
            } else if (c <= 0xFF) {
                out.append(String.format("\\x%02x", c));
            } else if (c <= 0xFFFF) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.append(String.format("\\U%08x", c));
            }
        });
        return out.append(quote).toString();
    }

    /** Python's {@code str.isprintable()} for one code point (every category but C* and Z* except space). */
    static boolean isPrintable(int c) {
        if (c == ' ') {
            return true;
        }
        switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                    Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SPACE_SEPARATOR:
                return false;
            default:
                return true;
        }
    }

    /** {@code find(sub, start, end)} / {@code rfind} with code-point indexes; -1 when absent. */
    static long find(String s, String sub, Long start, Long end, boolean last) {
        long[] range = PyAccess.sliceBounds(length(s), start, end);
        if (range[1] - range[0] < length(sub)) {
            return -1;
        }
        if (sub.isEmpty()) {
            return last ? range[1] : range[0];
        }
        String window = substring(s, (int) range[0], (int) range[1]);
        int at = last ? window.lastIndexOf(sub) : window.indexOf(sub);
        return at < 0 ? -1 : range[0] + cpIndex(window, at);
    }

    static long count(String s, String sub, Long start, Long end) {
        long[] range = PyAccess.sliceBounds(length(s), start, end);
        if (range[1] - range[0] < length(sub)) {
            return 0;
        }
        if (sub.isEmpty()) {
            return range[1] - range[0] + 1;
        }
        String window = substring(s, (int) range[0], (int) range[1]);
        long n = 0;
        for (int at = window.indexOf(sub); at >= 0; at = window.indexOf(sub, at + sub.length())) {
            n++;
        }
        return n;
    }
}
