package dev.nemotron4j.chat.template.jinja;

import java.util.AbstractList;
import java.util.List;

/** A Python tuple: an immutable list that prints as {@code (a, b)} and never equals a list. */
final class PyTuple extends AbstractList<Object> {
    private final List<Object> items;

    PyTuple(List<?> items) {
        this.items = java.util.Collections.unmodifiableList(new java.util.ArrayList<Object>(items));
    }

    static PyTuple of(Object... items) {
        return new PyTuple(List.of(items));
    }

    @Override
    public Object get(int index) {
        return items.get(index);
    }

    @Override
    public int size() {
        return items.size();
    }

    // identity semantics for Java collections; Python equality lives in PyObjects.eq
    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
