package dev.nemotron4j.chat.template.jinja;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * jinja2's filters over sequences and mappings: first/last, join, list, items, map, select/reject(attr),
 * sort, dictsort, unique, min/max, sum, reverse, batch. Generators ({@code map}, {@code select}) come
 * back as lists, which every template then joins or lists anyway.
 */
final class SequenceFilters {
    private SequenceFilters() {}

    static Object apply(String name, Object v, List<Object> args, Map<String, Object> kwargs) {
        switch (name) {
            case "first": case "last": {
                Args.bind(name, args, kwargs);
                List<Object> items = PyObjects.iterate(v);
                if (items.isEmpty()) {
                    return new Undefined("No " + name + " item, sequence was empty.");
                }
                return items.get(name.equals("first") ? 0 : items.size() - 1);
            }
            case "join": {
                Args a = Args.bind(name, args, kwargs, "d", "attribute");
                List<Object> items = PyObjects.iterate(v);
                StringBuilder out = new StringBuilder();
                String sep = PyObjects.str(a.get(0, ""));
                for (int i = 0; i < items.size(); i++) {
                    Object item = a.has(1) ? attrgetter(a.get(1, null), null).apply(items.get(i)) : items.get(i);
                    out.append(i > 0 ? sep : "").append(PyObjects.str(item));
                }
                return out.toString();
            }
            case "list": Args.bind(name, args, kwargs); return PyObjects.iterate(v);
            case "items": {
                Args.bind(name, args, kwargs);
                if (v == null || v instanceof Undefined) {
                    return new ArrayList<>();
                }
                if (!(v instanceof Map<?, ?> m)) {
                    throw TemplateRuntimeError.type("Can only get item pairs from a mapping.");
                }
                List<Object> out = new ArrayList<>();
                m.forEach((k, x) -> out.add(PyTuple.of(k, x)));
                return out;
            }
            case "map": return map(v, args, kwargs);
            case "select": case "reject": case "selectattr": case "rejectattr":
                return select(v, name, args, kwargs);
            case "sort": {
                Args a = Args.bind(name, args, kwargs, "reverse", "case_sensitive", "attribute");
                return sorted(PyObjects.iterate(v), multiAttrgetter(a.get(2, PyNone.NONE), !a.truth(1, false)),
                        a.truth(0, false));
            }
            case "dictsort": return dictsort(v, Args.bind(name, args, kwargs, "case_sensitive", "by", "reverse"));
            case "unique": {
                Args a = Args.bind(name, args, kwargs, "case_sensitive", "attribute");
                Function<Object, Object> key = attrgetter(a.get(1, PyNone.NONE), a.truth(0, false) ? null : SequenceFilters::ignoreCase);
                List<Object> out = new ArrayList<>();
                List<Object> seen = new ArrayList<>();
                for (Object item : PyObjects.iterate(v)) {
                    Object k = key.apply(item);
                    if (seen.stream().noneMatch(s -> PyObjects.eq(s, k))) {
                        seen.add(k);
                        out.add(item);
                    }
                }
                return out;
            }
            case "min": case "max": {
                Args a = Args.bind(name, args, kwargs, "case_sensitive", "attribute");
                List<Object> items = PyObjects.iterate(v);
                if (items.isEmpty()) {
                    return new Undefined("No aggregated item, sequence was empty.");
                }
                Function<Object, Object> key = attrgetter(a.get(1, PyNone.NONE), a.truth(0, false) ? null : SequenceFilters::ignoreCase);
                Object best = items.get(0);
                for (Object item : items.subList(1, items.size())) {
                    int c = PyObjects.compare(key.apply(item), key.apply(best), "<");
                    if (name.equals("min") ? c < 0 : c > 0) {
                        best = item;
                    }
                }
                return best;
            }
            case "sum": {
                Args a = Args.bind(name, args, kwargs, "attribute", "start");
                Object total = a.get(1, 0L);
                for (Object item : PyObjects.iterate(v)) {
                    total = PyOperators.add(total, a.has(0) ? attrgetter(a.get(0, null), null).apply(item) : item);
                }
                return total;
            }
            case "reverse": {
                Args.bind(name, args, kwargs);
                if (v instanceof String s) {
                    return PyAccess.slice(s, null, null, -1L);
                }
                List<Object> out = PyObjects.iterate(v);
                Collections.reverse(out);
                return out;
            }
            case "batch": {
                Args a = Args.bind(name, args, kwargs, "linecount", "fill_with");
                long size = a.integer(0, 1L);
                if (size <= 0) {
                    throw TemplateRuntimeError.value("batch size must be positive");
                }
                List<Object> out = new ArrayList<>();
                List<Object> row = new ArrayList<>();
                for (Object item : PyObjects.iterate(v)) {
                    row.add(item);
                    if (row.size() == size) {
                        out.add(row);
                        row = new ArrayList<>();
                    }
                }
                if (!row.isEmpty()) {
                    while (a.has(1) && row.size() < size) {
                        row.add(a.get(1, null));
                    }
                    out.add(row);
                }
                return out;
            }
            default:
                throw new IllegalStateException("no filter " + name);
        }
    }

    private static List<Object> map(Object v, List<Object> args, Map<String, Object> kwargs) {
        Function<Object, Object> f;
        if (args.isEmpty() && kwargs.containsKey("attribute")) {
            Args a = Args.bind("map", args, kwargs, "attribute", "default");
            f = attrgetter(a.get(0, null), null, a.get(1, PyNone.NONE));
        } else {
            if (args.isEmpty() || !(args.get(0) instanceof String filter)) {
                throw TemplateRuntimeError.type("map requires a filter argument");
            }
            List<Object> rest = args.subList(1, args.size());
            f = item -> PyFilters.apply(filter, item, rest, kwargs);
        }
        List<Object> out = new ArrayList<>();
        for (Object item : PyObjects.iterate(v)) {
            out.add(f.apply(item));
        }
        return out;
    }

    private static List<Object> select(Object v, String name, List<Object> args, Map<String, Object> kwargs) {
        boolean byAttribute = name.endsWith("attr");
        boolean keep = name.startsWith("select");
        int off = byAttribute ? 1 : 0;
        if (byAttribute && args.isEmpty()) {
            throw TemplateRuntimeError.type("Missing parameter for attribute name");
        }
        Function<Object, Object> transform = byAttribute ? attrgetter(args.get(0), null) : x -> x;
        List<Object> out = new ArrayList<>();
        for (Object item : PyObjects.iterate(v)) {
            Object x = transform.apply(item);
            boolean hit = args.size() > off
                    ? PyTests.apply(PyObjects.str(args.get(off)), x, args.subList(off + 1, args.size()), kwargs)
                    : PyObjects.truth(x);
            if (hit == keep) {
                out.add(item);
            }
        }
        return out;
    }

    private static List<Object> dictsort(Object v, Args a) {
        if (!(v instanceof Map<?, ?> m)) {
            throw TemplateRuntimeError.type("dictsort requires a mapping");
        }
        String by = a.string(1, "key");
        if (!by.equals("key") && !by.equals("value")) {
            throw TemplateRuntimeError.value("You can only sort by either \"key\" or \"value\"");
        }
        int pos = by.equals("key") ? 0 : 1;
        List<Object> items = new ArrayList<>();
        m.forEach((k, x) -> items.add(PyTuple.of(k, x)));
        boolean caseSensitive = a.truth(0, false);
        return sorted(items, item -> {
            Object x = ((List<?>) item).get(pos);
            return caseSensitive ? x : ignoreCase(x);
        }, a.truth(2, false));
    }

    private static List<Object> sorted(List<Object> items, Function<Object, Object> key, boolean reverse) {
        List<Object[]> keyed = new ArrayList<>();
        items.forEach(item -> keyed.add(new Object[] {key.apply(item), item}));
        keyed.sort((x, y) -> reverse ? PyObjects.compare(y[0], x[0], "<") : PyObjects.compare(x[0], y[0], "<"));
        List<Object> out = new ArrayList<>();
        keyed.forEach(k -> out.add(k[1]));
        return out;
    }

    static Object ignoreCase(Object v) {
        return v instanceof String s ? s.toLowerCase(Locale.ROOT) : v;
    }

    /** jinja2's make_attrgetter: a dotted path of item lookups ({@code "a.0.b"}), then a postprocess. */
    static Function<Object, Object> attrgetter(Object attribute, Function<Object, Object> post) {
        return attrgetter(attribute, post, PyNone.NONE);
    }

    private static Function<Object, Object> attrgetter(Object attribute, Function<Object, Object> post, Object dflt) {
        List<Object> parts = new ArrayList<>();
        if (attribute instanceof String s) {
            for (String part : s.split("\\.", -1)) {
                parts.add(part.matches("\\d+") ? (Object) Long.parseLong(part) : part);
            }
        } else if (attribute != null && attribute != PyNone.NONE) {
            parts.add(attribute);
        }
        return item -> {
            Object x = item;
            for (Object part : parts) {
                x = PyAccess.getitem(x, part);
            }
            if (dflt != PyNone.NONE && x instanceof Undefined) {
                x = dflt;
            }
            return post != null ? post.apply(x) : x;
        };
    }

    /** jinja2's make_multi_attrgetter: {@code "a,b"} sorts by the tuple (a, b). */
    private static Function<Object, Object> multiAttrgetter(Object attribute, boolean ignoreCase) {
        Function<Object, Object> post = ignoreCase ? SequenceFilters::ignoreCase : null;
        if (!(attribute instanceof String s) || !s.contains(",")) {
            return attrgetter(attribute, post);
        }
        List<Function<Object, Object>> getters = new ArrayList<>();
        for (String part : s.split(",")) {
            getters.add(attrgetter(part, post));
        }
        return item -> new PyTuple(getters.stream().map(g -> g.apply(item)).toList());
    }
}
