package dev.nemotron4j.chat.template.jinja;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * jinja2's {@code namespace(...)}: the one object a template may mutate, through
 * {@code {% set ns.attr = value %}}, so that a value can outlive a loop iteration's scope.
 */
final class Namespace {
    private final Map<String, Object> attributes = new LinkedHashMap<>();

    Namespace(Map<String, Object> initial) {
        attributes.putAll(initial);
    }

    /** The attribute, or an {@link Undefined} naming it. */
    Object get(String name) {
        Object value = attributes.get(name);
        return value != null ? value : Undefined.attribute(this, name);
    }

    void set(String name, Object value) {
        attributes.put(name, value);
    }

    Map<String, Object> attributes() {
        return attributes;
    }
}
