package dev.nemotron4j.chat.template.jinja;

import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The three ways a template formats text: {@code str.format} (jinja2's sandboxed formatter),
 * {@code "%s" % args} (printf style) and transformers' {@code strftime_now(fmt)} (glibc strftime in the
 * C locale, including the {@code %-d} no-padding flag Llama templates use). Common conversions only:
 * an unsupported one is a ValueError rather than a silently different string.
 */
final class PyFormat {
    private PyFormat() {}

    static String format(String template, List<Object> args, Map<String, Object> kwargs) {
        StringBuilder out = new StringBuilder();
        int auto = 0;
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '}') {
                if (i + 1 < template.length() && template.charAt(i + 1) == '}') {
                    out.append('}');
                    i++;
                    continue;
                }
                throw TemplateRuntimeError.value("Single '}' encountered in format string");
            }
            if (c != '{') {
                out.append(c);
                continue;
            }
            if (i + 1 < template.length() && template.charAt(i + 1) == '{') {
                out.append('{');
                i++;
                continue;
            }
            int end = template.indexOf('}', i);
            if (end < 0) {
                throw TemplateRuntimeError.value("Single '{' encountered in format string");
            }
            String field = template.substring(i + 1, end);
            String spec = "";
            int colon = field.indexOf(':');
            if (colon >= 0) {
                spec = field.substring(colon + 1);
                field = field.substring(0, colon);
            }
            char conversion = 's';
            int bang = field.indexOf('!');
            if (bang >= 0) {
                conversion = field.charAt(bang + 1);
                field = field.substring(0, bang);
            }
            Object value;
            if (field.isEmpty()) {
                value = auto < args.size() ? args.get(auto++) : null;
            } else if (field.chars().allMatch(Character::isDigit)) {
                int index = Integer.parseInt(field);
                value = index < args.size() ? args.get(index) : null;
            } else {
                value = kwargs.get(field);
            }
            if (value == null) {
                throw TemplateRuntimeError.value("Replacement index " + field + " out of range for positional args tuple");
            }
            out.append(applySpec(conversion == 'r' ? PyObjects.repr(value) : value, spec));
            i = end;
        }
        return out.toString();
    }

    /** A format spec: {@code [[fill]align][width][.precision][type]}, enough for padding and decimals. */
    private static String applySpec(Object value, String spec) {
        if (spec.isEmpty()) {
            return PyObjects.str(value);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("(?:(.)?([<>^]))?(0)?(\\d+)?(?:\\.(\\d+))?([sdf]?)").matcher(spec);
        if (!m.matches()) {
            throw TemplateRuntimeError.value("unsupported format spec '" + spec + "'");
        }
        String text;
        String type = m.group(6);
        if (type.equals("f") || m.group(5) != null && PyObjects.isNumber(value)) {
            int precision = m.group(5) != null ? Integer.parseInt(m.group(5)) : 6;
            text = fixed(PyObjects.toDouble(value), precision);
        } else {
            text = PyObjects.str(value);
            if (m.group(5) != null) {
                text = PyStrings.substring(text, 0, Math.min(PyStrings.length(text), Integer.parseInt(m.group(5))));
            }
        }
        long width = m.group(4) != null ? Long.parseLong(m.group(4)) : 0;
        String fill = m.group(1) != null ? m.group(1) : m.group(3) != null ? "0" : " ";
        String align = m.group(2) != null ? m.group(2) : PyObjects.isNumber(value) ? ">" : "<";
        return PyMethods.pad(text, width, fill, align.equals("<") ? "ljust" : align.equals(">") ? "rjust" : "center");
    }

    /** {@code format % args}: %s %r %d %i %f %% with flags, width and precision, or %(key)s from a dict. */
    static String percent(String format, Object args) {
        List<Object> positional = args instanceof PyTuple t ? t : List.of(args);
        StringBuilder out = new StringBuilder();
        int next = 0;
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("%(?:\\(([^)]*)\\))?([-+ 0#]*)(\\d+)?(?:\\.(\\d+))?([sridfeEgGxXoc%])").matcher(format);
        int last = 0;
        while (m.find()) {
            out.append(format, last, m.start());
            last = m.end();
            char type = m.group(5).charAt(0);
            if (type == '%') {
                out.append('%');
                continue;
            }
            Object value;
            if (m.group(1) != null) {
                if (!(args instanceof Map<?, ?> map)) {
                    throw TemplateRuntimeError.type("format requires a mapping");
                }
                value = map.get(m.group(1));
            } else {
                if (next >= positional.size()) {
                    throw TemplateRuntimeError.type("not enough arguments for format string");
                }
                value = positional.get(next++);
            }
            out.append(convert(value, type, m.group(2), m.group(3), m.group(4)));
        }
        if (next < positional.size() && !(args instanceof Map)) {
            throw TemplateRuntimeError.type("not all arguments converted during string formatting");
        }
        return out.append(format.substring(last)).toString();
    }

    private static String convert(Object value, char type, String flags, String width, String precision) {
        String text;
        switch (type) {
            case 's': text = PyObjects.str(value); break;
            case 'r': text = PyObjects.repr(value); break;
            case 'd': case 'i':
                if (!PyObjects.isNumber(value)) {
                    throw TemplateRuntimeError.type("%" + type + " format: a real number is required, not "
                            + PyObjects.typeName(value));
                }
                text = value instanceof Double d ? String.valueOf((long) d.doubleValue()) : PyObjects.toBigInteger(value).toString();
                break;
            case 'f':
                text = fixed(PyObjects.toDouble(value), precision != null ? Integer.parseInt(precision) : 6);
                break;
            default:
                throw TemplateRuntimeError.value("unsupported format character '" + type + "'");
        }
        if (precision != null && (type == 's' || type == 'r')) {
            text = PyStrings.substring(text, 0, Math.min(PyStrings.length(text), Integer.parseInt(precision)));
        }
        if ((type == 'd' || type == 'i' || type == 'f') && !text.startsWith("-")) {
            text = (flags.contains("+") ? "+" : flags.contains(" ") ? " " : "") + text;
        }
        long w = width != null ? Long.parseLong(width) : 0;
        if (flags.contains("-")) {
            return PyMethods.pad(text, w, " ", "ljust");
        }
        if (flags.contains("0") && type != 's' && type != 'r' && w > PyStrings.length(text)) {
            boolean signed = text.startsWith("-") || text.startsWith("+") || text.startsWith(" ");
            String zeros = "0".repeat((int) (w - PyStrings.length(text)));
            return signed ? text.charAt(0) + zeros + text.substring(1) : zeros + text;
        }
        return PyMethods.pad(text, w, " ", "rjust");
    }

    /** {@code %.Nf}: correctly rounded, ties to even, as CPython formats (Java's %f rounds ties up). */
    static String fixed(double d, int precision) {
        if (!Double.isFinite(d)) {
            return Double.isNaN(d) ? "nan" : d > 0 ? "inf" : "-inf";
        }
        String text = new java.math.BigDecimal(d).setScale(precision, java.math.RoundingMode.HALF_EVEN).toPlainString();
        return d < 0 || (d == 0 && 1 / d < 0) ? (text.startsWith("-") ? text : "-" + text) : text;
    }

    /** glibc {@code strftime} in the C locale; {@code %-X} drops the zero padding of {@code %X}. */
    static String strftime(String format, ZonedDateTime t) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 >= format.length()) {
                out.append(c);
                continue;
            }
            char d = format.charAt(++i);
            boolean pad = true;
            if (d == '-' && i + 1 < format.length()) {
                pad = false;
                d = format.charAt(++i);
            }
            out.append(field(d, t, pad));
        }
        return out.toString();
    }

    private static String field(char d, ZonedDateTime t, boolean pad) {
        switch (d) {
            case 'Y': return String.valueOf(t.getYear());
            case 'y': return num(t.getYear() % 100, 2, pad);
            case 'm': return num(t.getMonthValue(), 2, pad);
            case 'd': return num(t.getDayOfMonth(), 2, pad);
            case 'e': return pad ? String.format("%2d", t.getDayOfMonth()) : String.valueOf(t.getDayOfMonth());
            case 'H': return num(t.getHour(), 2, pad);
            case 'I': return num(t.getHour() % 12 == 0 ? 12 : t.getHour() % 12, 2, pad);
            case 'M': return num(t.getMinute(), 2, pad);
            case 'S': return num(t.getSecond(), 2, pad);
            case 'j': return num(t.getDayOfYear(), 3, pad);
            case 'p': return t.getHour() < 12 ? "AM" : "PM";
            case 'a': return t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            case 'A': return t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            case 'b': case 'h': return t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            case 'B': return t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            case 'w': return String.valueOf(t.getDayOfWeek().getValue() % 7);
            case 'u': return String.valueOf(t.getDayOfWeek().getValue());
            case 'Z': return t.getZone().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            case 'z': {
                int s = t.getOffset().getTotalSeconds();
                return String.format("%s%02d%02d", s < 0 ? "-" : "+", Math.abs(s) / 3600, Math.abs(s) / 60 % 60);
            }
            case 'F': return strftime("%Y-%m-%d", t);
            case 'T': return strftime("%H:%M:%S", t);
            case 'D': case 'x': return strftime("%m/%d/%y", t);
            case 'X': return strftime("%H:%M:%S", t);
            case 'c': return strftime("%a %b %e %H:%M:%S %Y", t);
            case '%': return "%";
            case 'n': return "\n";
            case 't': return "\t";
            default:
                throw TemplateRuntimeError.value("strftime_now: unsupported directive %" + d);
        }
    }

    private static String num(int value, int width, boolean pad) {
        return pad ? String.format("%0" + width + "d", value) : String.valueOf(value);
    }
}
