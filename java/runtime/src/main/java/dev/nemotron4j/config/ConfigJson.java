package dev.nemotron4j.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.ModelLoadException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Typed reads of the keys of one config.json object. Every failure is a {@link ModelLoadException}
 * that starts with the source name and names the key, so that {@link ConfigReader} stays a list of
 * keys. A JSON {@code null} counts as absent, as Hugging Face's own config classes treat it.
 */
final class ConfigJson {
    private final ObjectNode root;
    private final String source;

    ConfigJson(ObjectNode root, String source) {
        this.root = root;
        this.source = source;
    }

    String source() {
        return source;
    }

    /** An error about this file: "SOURCE: message". */
    ModelLoadException error(String message) {
        return new ModelLoadException(source + ": " + message);
    }

    boolean has(String key) {
        JsonNode node = root.get(key);
        return node != null && !node.isNull();
    }

    /** The node of a present key, or null when it is absent or JSON null. */
    JsonNode node(String key) {
        JsonNode node = root.get(key);
        return node == null || node.isNull() ? null : node;
    }

    /**
     * Which of two spellings of one key to read: {@code key} unless only {@code alias} is present. Both
     * present with different values is an error, since the two readers we follow disagree on precedence.
     */
    String pick(String key, String alias) {
        JsonNode main = node(key);
        JsonNode other = node(alias);
        if (main != null && other != null && !main.equals(other)) {
            throw error("\"" + key + "\" is " + main + " but its alias \"" + alias + "\" is " + other
                    + ": remove one or make them agree");
        }
        return main == null && other != null ? alias : key;
    }

    int requiredInt(String key) {
        JsonNode node = node(key);
        if (node == null) {
            throw error("missing required key \"" + key + "\"");
        }
        return asInt(node, key);
    }

    int optionalInt(String key, int absent) {
        JsonNode node = node(key);
        return node == null ? absent : asInt(node, key);
    }

    OptionalInt optionalInt(String key) {
        JsonNode node = node(key);
        return node == null ? OptionalInt.empty() : OptionalInt.of(asInt(node, key));
    }

    /** An int or a list of ints, as {@code eos_token_id} may be either; empty when absent. */
    List<Integer> intOrIntList(String key) {
        JsonNode node = node(key);
        List<Integer> values = new ArrayList<>();
        if (node == null) {
            return values;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                values.add(asInt(node.get(i), key + "[" + i + "]"));
            }
        } else {
            values.add(asInt(node, key));
        }
        return values;
    }

    boolean bool(String key, boolean absent) {
        JsonNode node = node(key);
        if (node == null) {
            return absent;
        }
        if (!node.isBoolean()) {
            throw error("\"" + key + "\" must be true or false, got " + node);
        }
        return node.booleanValue();
    }

    double number(String key, double absent) {
        JsonNode node = node(key);
        if (node == null) {
            return absent;
        }
        if (!node.isNumber()) {
            throw error("\"" + key + "\" must be a number, got " + node);
        }
        return node.doubleValue();
    }

    Optional<String> string(String key) {
        JsonNode node = node(key);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw error("\"" + key + "\" must be a string, got " + node);
        }
        return Optional.of(node.textValue());
    }

    /** A list of strings; null when the key is absent. */
    List<String> stringList(String key) {
        JsonNode node = node(key);
        if (node == null) {
            return null;
        }
        if (!node.isArray()) {
            throw error("\"" + key + "\" must be a list of strings, got " + node);
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (!item.isTextual()) {
                throw error("\"" + key + "\"[" + i + "] must be a string, got " + item);
            }
            values.add(item.textValue());
        }
        return values;
    }

    /**
     * A float that Python's {@code float()} would accept: a JSON number (including Jackson's
     * non-finite {@code Infinity}/{@code NaN}), a string such as {@code "inf"}, or the
     * {@code {"__float__": "inf"}} dict some serialisers write for non-finite values.
     */
    double pythonFloat(JsonNode node, String what) {
        if (node.isObject() && node.has("__float__")) {
            return pythonFloat(node.get("__float__"), what);
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            String text = node.textValue().trim().toLowerCase(Locale.ROOT);
            String unsigned = text.startsWith("+") || text.startsWith("-") ? text.substring(1) : text;
            double sign = text.startsWith("-") ? -1.0 : 1.0;
            if (unsigned.equals("inf") || unsigned.equals("infinity")) {
                return sign * Double.POSITIVE_INFINITY;
            }
            if (unsigned.equals("nan")) {
                return Double.NaN;
            }
            try {
                // Double.parseDouble would also take "Infinity" and hex floats; the checks above
                // cover Python's spellings, this the plain decimals.
                return Double.parseDouble(text);
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw error(what + " must be a number, got " + node);
    }

    private int asInt(JsonNode node, String key) {
        // isIntegralNumber rejects 64.0 and "64": config.json is written by Python's json, which keeps
        // ints as ints, so anything else is a hand edit gone wrong and better named than guessed.
        if (!node.isIntegralNumber()) {
            throw error("\"" + key + "\" must be an integer, got " + node);
        }
        if (!node.canConvertToInt()) {
            throw error("\"" + key + "\" is " + node + ", beyond the range of a 32-bit integer");
        }
        return node.intValue();
    }
}
