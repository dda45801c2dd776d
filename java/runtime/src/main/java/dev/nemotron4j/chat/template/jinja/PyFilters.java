package dev.nemotron4j.chat.template.jinja;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * jinja2's built-in filters on strings and scalars, with jinja2 3.1's signatures and results, and
 * transformers' {@code tojson}. Filters over sequences ({@code map}, {@code selectattr}, {@code sort}, ...)
 * are in {@link SequenceFilters}. An unknown filter is a compile-time error, as in jinja2.
 */
final class PyFilters {
    private PyFilters() {}

    static final Set<String> NAMES = Set.of("abs", "attr", "batch", "capitalize", "center", "count", "d",
            "default", "dictsort", "e", "escape", "first", "float", "forceescape", "format", "indent", "int",
            "items", "join", "last", "length", "list", "lower", "map", "max", "min", "reject", "rejectattr",
            "replace", "reverse", "round", "safe", "select", "selectattr", "sort", "string", "sum", "title",
            "tojson", "trim", "truncate", "unique", "upper", "wordcount");
    /** jinja2 filters this engine does not implement: named in the error so nobody hunts for a typo. */
    static final Set<String> UNSUPPORTED = Set.of("filesizeformat", "groupby", "pprint", "random", "slice",
            "striptags", "urlencode", "urlize", "wordwrap", "xmlattr");

    private static final Pattern TITLE_SPLIT = Pattern.compile("([-\\s({\\[<]+)");
    private static final Pattern WORD = Pattern.compile("\\w+", Pattern.UNICODE_CHARACTER_CLASS);

    static Object apply(String name, Object v, List<Object> args, Map<String, Object> kwargs) {
        switch (name) {
            case "default": case "d": {
                Args a = Args.bind(name, args, kwargs, "default_value", "boolean");
                boolean missing = v == null || v instanceof Undefined || a.truth(1, false) && !PyObjects.truth(v);
                return missing ? a.get(0, "") : v;
            }
            case "tojson":
                return PyJson.dumps(v, PyJson.options(Args.bind(name, prepend(null, args), kwargs, "x", "ensure_ascii",
                        "indent", "separators", "sort_keys")));
            case "string": case "safe": Args.bind(name, args, kwargs); return PyObjects.str(v);
            case "length": case "count": Args.bind(name, args, kwargs); return PyObjects.length(v);
            case "trim": return PyStrings.strip(PyObjects.str(v), Args.bind(name, args, kwargs, "chars").string(0, null), true, true);
            case "lower": Args.bind(name, args, kwargs); return PyObjects.str(v).toLowerCase(Locale.ROOT);
            case "upper": Args.bind(name, args, kwargs); return PyObjects.str(v).toUpperCase(Locale.ROOT);
            case "capitalize": Args.bind(name, args, kwargs); return PyStrings.capitalize(PyObjects.str(v));
            case "title": Args.bind(name, args, kwargs); return title(PyObjects.str(v));
            case "replace": {
                Args a = Args.bind(name, args, kwargs, "old", "new", "count");
                return PyStrings.replace(PyObjects.str(v), PyObjects.str(a.required(0)), PyObjects.str(a.required(1)),
                        a.integer(2, -1L));
            }
            case "center": return PyMethods.pad(PyObjects.str(v), Args.bind(name, args, kwargs, "width").integer(0, 80L), " ", "center");
            case "indent": return indent(PyObjects.str(v), Args.bind(name, args, kwargs, "width", "first", "blank"));
            case "truncate": return truncate(PyObjects.str(v), Args.bind(name, args, kwargs, "length", "killwords", "end", "leeway"));
            case "wordcount": {
                Args.bind(name, args, kwargs);
                Matcher m = WORD.matcher(PyObjects.str(v));
                long n = 0;
                while (m.find()) {
                    n++;
                }
                return n;
            }
            case "escape": case "e": case "forceescape": Args.bind(name, args, kwargs); return escape(PyObjects.str(v));
            case "format": {
                Args a = Args.bindVar(name, args, kwargs);
                if (!a.rest().isEmpty() && !a.restKeywords().isEmpty()) {
                    throw TemplateRuntimeError.type("can't handle positional and keyword arguments at the same time");
                }
                return PyFormat.percent(PyObjects.str(v), a.restKeywords().isEmpty() ? new PyTuple(a.rest())
                        : a.restKeywords());
            }
            case "int": return toInt(v, Args.bind(name, args, kwargs, "default", "base"));
            case "float": return toFloat(v, Args.bind(name, args, kwargs, "default").get(0, 0.0));
            case "round": return round(v, Args.bind(name, args, kwargs, "precision", "method"));
            case "abs": {
                Args.bind(name, args, kwargs);
                return PyObjects.compareNumbers(requireNumber(v, "abs"), 0L) < 0 ? PyOperators.neg(v) : PyOperators.pos(v);
            }
            case "attr": {
                Object attribute = Args.bind(name, args, kwargs, "name").required(0);
                if (v == null || v instanceof Undefined) {
                    throw (v == null ? new Undefined("undefined value") : (Undefined) v).error();
                }
                return attribute instanceof String s ? PyAccess.attribute(v, s) : Undefined.attribute(v, attribute);
            }
            default:
                return SequenceFilters.apply(name, v, args, kwargs);
        }
    }

    static List<Object> prepend(Object first, List<Object> rest) {
        List<Object> out = new ArrayList<>();
        out.add(first);
        out.addAll(rest);
        return out;
    }

    /** jinja2's {@code title}: capitalize each word, words split at runs of {@code -}, space, ( { [ <. */
    private static String title(String s) {
        StringBuilder out = new StringBuilder();
        Matcher m = TITLE_SPLIT.matcher(s);
        int last = 0;
        List<String> items = new ArrayList<>();
        while (m.find()) {
            items.add(s.substring(last, m.start()));
            items.add(m.group());
            last = m.end();
        }
        items.add(s.substring(last));
        for (String item : items) {
            if (!item.isEmpty()) {
                int first = item.codePointAt(0);
                out.append(new String(Character.toChars(first)).toUpperCase(Locale.ROOT))
                        .append(item.substring(Character.charCount(first)).toLowerCase(Locale.ROOT));
            }
        }
        return out.toString();
    }

    private static String indent(String s, Args a) {
        Object width = a.get(0, 4L);
        String indention = width instanceof String w ? w : " ".repeat((int) Math.max(0, a.integer(0, 4L)));
        String text = s + "\n";
        List<String> lines = PyStrings.splitlines(text, false);
        String rv;
        if (a.truth(2, false)) {
            rv = String.join("\n" + indention, lines);
        } else {
            StringBuilder b = new StringBuilder(lines.isEmpty() ? "" : lines.get(0));
            if (lines.size() > 1) {
                b.append('\n');
                for (int i = 1; i < lines.size(); i++) {
                    b.append(i > 1 ? "\n" : "").append(lines.get(i).isEmpty() ? "" : indention + lines.get(i));
                }
            }
            rv = b.toString();
        }
        return a.truth(1, false) ? indention + rv : rv;
    }

    private static String truncate(String s, Args a) {
        long length = a.integer(0, 255L);
        String end = a.string(2, "...");
        long leeway = a.integer(3, 5L);
        int n = PyStrings.length(s);
        if (n <= length + leeway) {
            return s;
        }
        int cut = (int) Math.max(0, length - PyStrings.length(end));
        String head = PyStrings.substring(s, 0, Math.min(cut, n));
        if (a.truth(1, false)) {
            return head + end;
        }
        int space = head.lastIndexOf(' ');
        return (space >= 0 ? head.substring(0, space) : head) + end;
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&#34;")
                .replace("'", "&#39;");
    }

    private static Object toInt(Object v, Args a) {
        Object dflt = a.get(0, 0L);
        long base = a.integer(1, 10L);
        if (PyObjects.isInt(v)) {
            return PyValues.normalize(PyObjects.toBigInteger(v));
        }
        if (v instanceof Double d) {
            return Double.isFinite(d) ? PyValues.normalize(new BigDecimal(d).toBigInteger()) : dflt;
        }
        if (v instanceof String s) {
            Object parsed = parseInt(PyStrings.strip(s, null, true, true), (int) base);
            if (parsed != null) {
                return parsed;
            }
            Object f = toFloat(v, null);
            return f instanceof Double d && Double.isFinite(d) ? PyValues.normalize(new BigDecimal(d).toBigInteger()) : dflt;
        }
        return dflt;
    }

    /** Python's {@code int(text, base)}: optional sign, a 0x/0o/0b prefix for bases 16/8/2 or 0, underscores. */
    private static Object parseInt(String text, int base) {
        Matcher m = Pattern.compile("([+-]?)(0[xXoObB])?(.*)", Pattern.DOTALL).matcher(text);
        if (!m.matches()) {
            return null;
        }
        String prefix = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
        int radix = base;
        if (base == 0) {
            radix = prefix.isEmpty() ? 10 : prefix.equals("0x") ? 16 : prefix.equals("0o") ? 8 : 2;
        } else if (!prefix.isEmpty() && radix != (prefix.equals("0x") ? 16 : prefix.equals("0o") ? 8 : 2)) {
            return null;
        }
        String digits = (prefix.isEmpty() ? "" : "_") + m.group(3);
        if (!digits.matches("(_?[0-9a-zA-Z])+") || base == 0 && prefix.isEmpty() && digits.matches("0+[1-9].*")) {
            return null;
        }
        try {
            return PyValues.normalize(new java.math.BigInteger(m.group(1) + digits.replace("_", ""), radix));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Object toFloat(Object v, Object dflt) {
        if (PyObjects.isNumber(v)) {
            return PyObjects.toDouble(v);
        }
        if (v instanceof String s) {
            String t = PyStrings.strip(s, null, true, true).replace("_", "").toLowerCase(Locale.ROOT);
            if (t.matches("[+-]?(inf|infinity|nan)")) {
                return t.contains("nan") ? Double.NaN : t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
            if (t.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?")) {
                return Double.parseDouble(t);
            }
        }
        return dflt;
    }

    private static Object round(Object v, Args a) {
        long precision = a.integer(0, 0L);
        String method = a.string(1, "common");
        requireNumber(v, "round");
        if (!method.equals("common") && !method.equals("ceil") && !method.equals("floor")) {
            throw TemplateRuntimeError.type("method must be common, ceil or floor");
        }
        if (method.equals("common") && PyObjects.isInt(v)) {
            return PyOperators.pos(v); // round(int, n) stays an int
        }
        double d = PyObjects.toDouble(v);
        if (!Double.isFinite(d)) {
            return d;
        }
        RoundingMode mode = method.equals("common") ? RoundingMode.HALF_EVEN
                : method.equals("ceil") ? RoundingMode.CEILING : RoundingMode.FLOOR;
        return new BigDecimal(d).setScale((int) precision, mode).doubleValue();
    }

    private static Object requireNumber(Object v, String filter) {
        if (!PyObjects.isNumber(v)) {
            throw TemplateRuntimeError.type("bad operand type for " + filter + "(): '" + PyObjects.typeName(v) + "'");
        }
        return v;
    }
}
