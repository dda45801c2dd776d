package dev.nemotron4j.chat.template.jinja;

import java.util.AbstractList;

/** Python's {@code range}: a lazy list of ints that prints as {@code range(0, 3)}, capped like jinja2's sandbox. */
final class PyRange extends AbstractList<Object> {
    /** jinja2.sandbox.MAX_RANGE: a template may not build a bigger range. */
    static final long MAX_RANGE = 100_000;

    private final long start;
    private final long stop;
    private final long step;
    private final int size;

    PyRange(long start, long stop, long step) {
        if (step == 0) {
            throw TemplateRuntimeError.value("range() arg 3 must not be zero");
        }
        long n = step > 0 ? (stop - start + step - 1) / step : (start - stop - step - 1) / -step;
        if (n > MAX_RANGE) {
            throw TemplateRuntimeError.value("Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
        }
        this.start = start;
        this.stop = stop;
        this.step = step;
        this.size = (int) Math.max(0, n);
    }

    @Override
    public Object get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(index);
        }
        return start + index * step;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public String toString() {
        return "range(" + start + ", " + stop + (step == 1 ? ")" : ", " + step + ")");
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
