package dev.nemotron4j.chat.template.jinja;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The methods a template can call on a str, list, dict or loop ({@code content.strip()},
 * {@code message.get('x')}, {@code loop.cycle(...)}), each with Python's signature and result.
 * Mutating methods never get here: {@link PyAccess} already refused them, as the immutable sandbox does.
 */
final class PyMethods {
    private PyMethods() {}

    static Object invoke(BoundMethod m, List<Object> args, Map<String, Object> kwargs) {
        Object self = m.self();
        if (self instanceof String s) {
            return string(s, m.name(), args, kwargs);
        }
        if (self instanceof Map<?, ?> d) {
            return dict(d, m.name(), args, kwargs);
        }
        if (self instanceof LoopContext loop) {
            return m.name().equals("cycle") ? loop.cycle(args) : (Object) loop.changed(args);
        }
        return list((List<?>) self, m.name(), args, kwargs);
    }

    private static Object string(String s, String name, List<Object> args, Map<String, Object> kwargs) {
        switch (name) {
            case "strip": case "lstrip": case "rstrip": {
                String chars = Args.bind(name, args, kwargs, "chars").string(0, null);
                return PyStrings.strip(s, chars, !name.equals("rstrip"), !name.equals("lstrip"));
            }
            case "split": case "rsplit": {
                Args a = Args.bind(name, args, kwargs, "sep", "maxsplit");
                List<String> parts = name.equals("split") ? PyStrings.split(s, a.string(0, null), a.integer(1, -1L))
                        : PyStrings.rsplit(s, a.string(0, null), a.integer(1, -1L));
                return new ArrayList<Object>(parts);
            }
            case "splitlines":
                return new ArrayList<Object>(PyStrings.splitlines(s, Args.bind(name, args, kwargs, "keepends").truth(0, false)));
            case "startswith": case "endswith":
                return affix(s, name, Args.bind(name, args, kwargs, "prefix", "start", "end"));
            case "replace": {
                Args a = Args.bind(name, args, kwargs, "old", "new", "count");
                return PyStrings.replace(s, str(a.required(0), name), str(a.required(1), name), a.integer(2, -1L));
            }
            case "lower": case "casefold": return s.toLowerCase(Locale.ROOT);
            case "upper": return s.toUpperCase(Locale.ROOT);
            case "title": return PyStrings.title(s);
            case "capitalize": return PyStrings.capitalize(s);
            case "swapcase": return PyStrings.swapcase(s);
            case "find": case "rfind": case "index": case "rindex": {
                Args a = Args.bind(name, args, kwargs, "sub", "start", "end");
                long at = PyStrings.find(s, str(a.required(0), name), a.integer(1, null), a.integer(2, null),
                        name.startsWith("r"));
                if (at < 0 && name.endsWith("index")) {
                    throw TemplateRuntimeError.value("substring not found");
                }
                return at;
            }
            case "count": {
                Args a = Args.bind(name, args, kwargs, "sub", "start", "end");
                return PyStrings.count(s, str(a.required(0), name), a.integer(1, null), a.integer(2, null));
            }
            case "join": return join(s, Args.bind(name, args, kwargs, "iterable").required(0));
            case "format": return PyFormat.format(s, args, kwargs);
            case "partition": case "rpartition": {
                String sep = str(Args.bind(name, args, kwargs, "sep").required(0), name);
                if (sep.isEmpty()) {
                    throw TemplateRuntimeError.value("empty separator");
                }
                int at = name.equals("partition") ? s.indexOf(sep) : s.lastIndexOf(sep);
                if (at < 0) {
                    return name.equals("partition") ? PyTuple.of(s, "", "") : PyTuple.of("", "", s);
                }
                return PyTuple.of(s.substring(0, at), sep, s.substring(at + sep.length()));
            }
            case "removeprefix": {
                String p = str(Args.bind(name, args, kwargs, "prefix").required(0), name);
                return s.startsWith(p) ? s.substring(p.length()) : s;
            }
            case "removesuffix": {
                String p = str(Args.bind(name, args, kwargs, "suffix").required(0), name);
                return !p.isEmpty() && s.endsWith(p) ? s.substring(0, s.length() - p.length()) : s;
            }
            case "center": case "ljust": case "rjust": {
                Args a = Args.bind(name, args, kwargs, "width", "fillchar");
                return pad(s, a.integer(0, 0L), a.string(1, " "), name);
            }
            case "zfill": {
                long width = Args.bind(name, args, kwargs, "width").integer(0, 0L);
                int n = PyStrings.length(s);
                if (width <= n) {
                    return s;
                }
                boolean signed = !s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-');
                String zeros = "0".repeat((int) (width - n));
                return signed ? s.charAt(0) + zeros + s.substring(1) : zeros + s;
            }
            default:
                return predicate(s, name);
        }
    }

    private static boolean predicate(String s, String name) {
        if (s.isEmpty()) {
            return false;
        }
        int[] cps = s.codePoints().toArray();
        switch (name) {
            case "isdigit": case "isdecimal": case "isnumeric":
                return s.codePoints().allMatch(Character::isDigit);
            case "isalpha": return s.codePoints().allMatch(Character::isLetter);
            case "isalnum": return s.codePoints().allMatch(Character::isLetterOrDigit);
            case "isspace": return s.codePoints().allMatch(PyStrings::isSpace);
            case "isupper":
                return s.codePoints().anyMatch(PyStrings::isCased) && s.codePoints().noneMatch(Character::isLowerCase);
            case "islower":
                return s.codePoints().anyMatch(PyStrings::isCased) && s.codePoints().noneMatch(Character::isUpperCase);
            case "istitle":
                return cps.length > 0 && PyStrings.title(s).equals(s) && s.codePoints().anyMatch(PyStrings::isCased);
            default:
                throw new IllegalStateException("no str method " + name);
        }
    }

    private static boolean affix(String s, String name, Args a) {
        Object affix = a.required(0);
        long[] range = PyAccess.sliceBounds(PyStrings.length(s), a.integer(1, null), a.integer(2, null));
        if (range[1] < range[0] || range[0] > PyStrings.length(s)) {
            return false;
        }
        String window = PyStrings.substring(s, (int) range[0], (int) range[1]);
        List<?> options = affix instanceof PyTuple t ? t : null;
        if (options == null && !(affix instanceof String)) {
            throw TemplateRuntimeError.type(name + " first arg must be str or a tuple of str, not "
                    + PyObjects.typeName(affix));
        }
        for (Object option : options != null ? options : List.of(affix)) {
            String text = str(option, name);
            if (name.equals("startswith") ? window.startsWith(text) : window.endsWith(text)) {
                return true;
            }
        }
        return false;
    }

    static String join(String sep, Object iterable) {
        List<Object> items = PyObjects.iterate(iterable);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof String item)) {
                throw TemplateRuntimeError.type("sequence item " + i + ": expected str instance, "
                        + PyObjects.typeName(items.get(i)) + " found");
            }
            out.append(i > 0 ? sep : "").append(item);
        }
        return out.toString();
    }

    static String pad(String s, long width, String fill, String how) {
        if (fill == null || PyStrings.length(fill) != 1) {
            throw TemplateRuntimeError.type("The fill character must be exactly one character long");
        }
        long missing = width - PyStrings.length(s);
        if (missing <= 0) {
            return s;
        }
        // CPython's center puts the odd extra character on the left when the width is odd
        long left = how.equals("ljust") ? 0 : how.equals("rjust") ? missing
                : missing / 2 + (missing & width & 1);
        return fill.repeat((int) left) + s + fill.repeat((int) (missing - left));
    }

    private static Object dict(Map<?, ?> d, String name, List<Object> args, Map<String, Object> kwargs) {
        switch (name) {
            case "items": {
                Args.bind(name, args, kwargs);
                List<Object> out = new ArrayList<>();
                d.forEach((k, v) -> out.add(PyTuple.of(k, v)));
                return out;
            }
            case "keys": Args.bind(name, args, kwargs); return new ArrayList<Object>(d.keySet());
            case "values": Args.bind(name, args, kwargs); return new ArrayList<Object>(d.values());
            case "copy": Args.bind(name, args, kwargs); return new LinkedHashMap<Object, Object>(d);
            default: {
                Args a = Args.bind(name, args, kwargs, "key", "default");
                Object v = d.get(PyValues.hashKey(a.required(0)));
                return v != null ? v : a.get(1, PyNone.NONE);
            }
        }
    }

    private static Object list(List<?> l, String name, List<Object> args, Map<String, Object> kwargs) {
        switch (name) {
            case "count": {
                Object x = Args.bind(name, args, kwargs, "value").required(0);
                return l.stream().filter(e -> PyObjects.eq(e, x)).count();
            }
            case "index": {
                Object x = Args.bind(name, args, kwargs, "value").required(0);
                for (int i = 0; i < l.size(); i++) {
                    if (PyObjects.eq(l.get(i), x)) {
                        return (long) i;
                    }
                }
                throw TemplateRuntimeError.value(PyObjects.repr(x) + " is not in list");
            }
            default:
                Args.bind(name, args, kwargs);
                return l instanceof PyTuple ? l : new ArrayList<Object>(l);
        }
    }

    private static String str(Object v, String method) {
        if (!(v instanceof String s)) {
            throw TemplateRuntimeError.type(method + "() argument must be str, not " + PyObjects.typeName(v));
        }
        return s;
    }
}
