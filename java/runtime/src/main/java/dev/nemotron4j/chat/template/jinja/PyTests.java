package dev.nemotron4j.chat.template.jinja;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** jinja2's built-in tests ({@code x is defined}, {@code x is string}, {@code x is divisibleby 3}, ...). */
final class PyTests {
    private PyTests() {}

    static final Set<String> NAMES = Set.of("odd", "even", "divisibleby", "defined", "undefined", "filter", "test",
            "none", "boolean", "false", "true", "integer", "float", "lower", "upper", "string", "mapping", "number",
            "sequence", "iterable", "callable", "sameas", "escaped", "in", "==", "eq", "equalto", "!=", "ne", ">",
            "gt", "greaterthan", ">=", "ge", "<", "lt", "lessthan", "<=", "le");

    static boolean apply(String name, Object v, List<Object> args, Map<String, Object> kwargs) {
        if (!NAMES.contains(name)) {
            throw new TemplateRuntimeError(TemplateRuntimeError.Kind.TYPE, "No test named '" + name + "' found.");
        }
        switch (name) {
            case "defined": return !(v == null || v instanceof Undefined);
            case "undefined": return v == null || v instanceof Undefined;
            case "none": return v == PyNone.NONE;
            case "boolean": return v instanceof Boolean;
            case "true": return Boolean.TRUE.equals(v);
            case "false": return Boolean.FALSE.equals(v);
            case "integer": return v instanceof Long || v instanceof BigInteger;
            case "float": return v instanceof Double;
            case "number": return PyObjects.isNumber(v);
            case "string": return v instanceof String;
            case "mapping": return v instanceof Map;
            case "sequence": return v instanceof String || v instanceof List || v instanceof Map || v == null
                    || v instanceof Undefined;
            case "iterable": return PyObjects.isIterable(v);
            case "callable": return PyObjects.isCallable(v);
            case "escaped": return false; // nothing here is Markup: autoescape is off in transformers
            case "lower": { String s = PyObjects.str(v); return s.equals(s.toLowerCase()) && s.codePoints().anyMatch(PyStrings::isCased); }
            case "upper": { String s = PyObjects.str(v); return s.equals(s.toUpperCase()) && s.codePoints().anyMatch(PyStrings::isCased); }
            case "filter": return v instanceof String s && PyFilters.NAMES.contains(s);
            case "test": return v instanceof String s && NAMES.contains(s);
            case "odd": case "even": {
                Object r = PyOperators.mod(v, 2L);
                return PyObjects.eq(r, name.equals("odd") ? 1L : 0L);
            }
            default:
                return binary(name, v, Args.bind(name, args, kwargs, "other").required(0));
        }
    }

    private static boolean binary(String name, Object v, Object other) {
        switch (name) {
            case "divisibleby": return PyObjects.eq(PyOperators.mod(v, other), 0L);
            case "sameas": return v == other || PyObjects.isNumber(v) && v.equals(other)
                    || v instanceof Boolean && v.equals(other);
            case "in": return PyObjects.contains(other, v);
            case "==": case "eq": case "equalto": return PyObjects.eq(v, other);
            case "!=": case "ne": return !PyObjects.eq(v, other);
            case ">": case "gt": case "greaterthan": return PyObjects.compare(v, other, ">") > 0;
            case ">=": case "ge": return PyObjects.compare(v, other, ">=") >= 0;
            case "<": case "lt": case "lessthan": return PyObjects.compare(v, other, "<") < 0;
            default: return PyObjects.compare(v, other, "<=") <= 0;
        }
    }
}
