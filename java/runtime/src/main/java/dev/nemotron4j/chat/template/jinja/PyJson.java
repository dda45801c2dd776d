package dev.nemotron4j.chat.template.jinja;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * transformers' {@code tojson} filter, which is Python's
 * {@code json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)} (not jinja2's
 * HTML-safe one): {@code ", "} and {@code ": "} separators by default ({@code ","} after items when
 * indenting), dict order kept, non-ASCII written as is, floats as Python's repr.
 */
final class PyJson {
    private PyJson() {}

    record Options(boolean ensureAscii, String indent, String itemSeparator, String keySeparator, boolean sortKeys) {}

    static Options options(Args a) {
        boolean ensureAscii = a.truth(1, false);
        Object indentArg = a.get(2, PyNone.NONE);
        String indent = null;
        if (PyObjects.isInt(indentArg)) {
            indent = " ".repeat((int) Math.max(0, PyObjects.toBigInteger(indentArg).longValue()));
        } else if (indentArg instanceof String s) {
            indent = s;
        } else if (indentArg != PyNone.NONE && indentArg != null) {
            throw TemplateRuntimeError.type("indent must be an int or a str, not " + PyObjects.typeName(indentArg));
        }
        String item = indent == null ? ", " : ",";
        String key = ": ";
        Object separators = a.get(3, PyNone.NONE);
        if (separators instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof String i
                && pair.get(1) instanceof String k) {
            item = i;
            key = k;
        } else if (separators != PyNone.NONE && separators != null) {
            throw TemplateRuntimeError.value("separators must be an (item_separator, key_separator) pair");
        }
        return new Options(ensureAscii, indent, item, key, a.truth(4, false));
    }

    static String dumps(Object value, Options o) {
        StringBuilder out = new StringBuilder();
        write(value, o, 0, out);
        return out.toString();
    }

    private static void write(Object v, Options o, int level, StringBuilder out) {
        if (v instanceof String s) {
            string(s, o.ensureAscii(), out);
        } else if (v == PyNone.NONE) {
            out.append("null");
        } else if (v instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (v instanceof Long || v instanceof BigInteger) {
            out.append(v);
        } else if (v instanceof Double d) {
            out.append(d.isNaN() ? "NaN" : d.isInfinite() ? (d > 0 ? "Infinity" : "-Infinity") : PyFloats.repr(d));
        } else if (v instanceof List<?> l && !(v instanceof PyRange)) {
            container('[', ']', l, o, level, out, (x, lvl) -> write(x, o, lvl, out));
        } else if (v instanceof Map<?, ?> m) {
            List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
            if (o.sortKeys()) {
                entries.sort((x, y) -> PyObjects.compare(x.getKey(), y.getKey(), "<"));
            }
            container('{', '}', entries, o, level, out, (e, lvl) -> {
                Map.Entry<?, ?> entry = (Map.Entry<?, ?>) e;
                string(key(entry.getKey()), o.ensureAscii(), out);
                out.append(o.keySeparator());
                write(entry.getValue(), o, lvl, out);
            });
        } else {
            throw TemplateRuntimeError.type("Object of type " + PyObjects.typeName(v) + " is not JSON serializable");
        }
    }

    private interface Item {
        void write(Object item, int level);
    }

    private static void container(char open, char close, List<?> items, Options o, int level, StringBuilder out,
            Item item) {
        if (items.isEmpty()) {
            out.append(open).append(close);
            return;
        }
        out.append(open);
        String newline = o.indent() == null ? null : "\n" + o.indent().repeat(level + 1);
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.append(o.itemSeparator());
            }
            if (newline != null) {
                out.append(newline);
            }
            item.write(items.get(i), level + 1);
        }
        if (newline != null) {
            out.append('\n').append(o.indent().repeat(level));
        }
        out.append(close);
    }

    /** json.dumps turns str, int, float, bool and None keys into strings; anything else is a TypeError. */
    private static String key(Object k) {
        if (k instanceof String s) {
            return s;
        }
        if (k instanceof Boolean b) {
            return b ? "true" : "false";
        }
        if (k == PyNone.NONE) {
            return "null";
        }
        if (k instanceof Long || k instanceof BigInteger) {
            return k.toString();
        }
        if (k instanceof Double d) {
            return PyFloats.repr(d);
        }
        throw TemplateRuntimeError.type("keys must be str, int, float, bool or None, not " + PyObjects.typeName(k));
    }

    private static void string(String s, boolean ensureAscii, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                case '\b': out.append("\\b"); break;
                case '\f': out.append("\\f"); break;
                default:
                    if (c < 0x20 || ensureAscii && c > 0x7E) {
                        out.append(String.format("\\u%04x", (int) c)); // UTF-16 units, as json.dumps writes them
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }
}
