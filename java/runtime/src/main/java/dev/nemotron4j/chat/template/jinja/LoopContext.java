package dev.nemotron4j.chat.template.jinja;

import java.util.List;
import java.util.function.Function;

/**
 * jinja2's {@code loop} variable inside a {@code {% for %}}: index, index0, revindex, revindex0, first,
 * last, length, depth, depth0, previtem, nextitem, {@code cycle(...)}, {@code changed(...)}, and
 * {@code loop(items)} for a {@code recursive} loop. {@link ForTag} advances it one item at a time.
 */
final class LoopContext {
    private static final Object NOTHING = new Object();

    private final List<Object> items;
    private final int depth0;
    private final Function<Object, String> recurse;
    private int index0 = -1;
    private Object lastChanged = NOTHING;

    /** {@code recurse} renders the loop body over another iterable, or is null for a plain loop. */
    LoopContext(List<Object> items, int depth0, Function<Object, String> recurse) {
        this.items = items;
        this.depth0 = depth0;
        this.recurse = recurse;
    }

    void advance() {
        index0++;
    }

    Object attribute(String name) {
        int length = items.size();
        switch (name) {
            case "index0": return (long) index0;
            case "index": return (long) index0 + 1;
            case "revindex": return (long) length - index0;
            case "revindex0": return (long) length - index0 - 1;
            case "first": return index0 == 0;
            case "last": return index0 == length - 1;
            case "length": return (long) length;
            case "depth": return (long) depth0 + 1;
            case "depth0": return (long) depth0;
            case "previtem":
                return index0 > 0 ? items.get(index0 - 1) : new Undefined("there is no previous item");
            case "nextitem":
                return index0 + 1 < length ? items.get(index0 + 1) : new Undefined("there is no next item");
            case "cycle":
            case "changed":
                return new BoundMethod(this, name);
            default:
                return Undefined.attribute(this, name);
        }
    }

    Object cycle(List<Object> args) {
        if (args.isEmpty()) {
            throw TemplateRuntimeError.type("no items for cycling given");
        }
        return args.get(index0 % args.size());
    }

    boolean changed(List<Object> args) {
        Object value = new PyTuple(args);
        if (lastChanged != NOTHING && PyObjects.eq(lastChanged, value)) {
            return false;
        }
        lastChanged = value;
        return true;
    }

    /** {@code loop(items)} in a recursive loop: the body rendered over {@code items}, one level deeper. */
    String call(List<Object> args) {
        if (recurse == null) {
            throw TemplateRuntimeError.type("The loop must have the 'recursive' marker to be called recursively.");
        }
        if (args.size() != 1) {
            throw TemplateRuntimeError.type("loop() takes exactly one argument");
        }
        RenderState state = RenderState.current();
        state.enterCall();
        try {
            return recurse.apply(args.get(0));
        } finally {
            state.exitCall();
        }
    }

    int depth0() {
        return depth0;
    }

    @Override
    public String toString() {
        return "<LoopContext " + (index0 + 1) + "/" + items.size() + ">";
    }
}
