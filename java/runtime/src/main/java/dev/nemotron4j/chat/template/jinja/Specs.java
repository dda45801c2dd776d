package dev.nemotron4j.chat.template.jinja;

import java.util.List;

/**
 * What the {@link Emitter} compiles each statement into, kept beside the Jinjava source: a tag in that
 * source is just {@code {% py_for 7 %}}, and index 7 holds its spec with the compiled expressions.
 * Text, output, if-conditions and filter blocks are a plain String (text or EL) instead.
 */
final class Specs {
    private Specs() {}

    /** {@code for target in iter [if filter] [recursive]}. */
    record ForSpec(Stmt.Target target, String iter, String filter, boolean recursive) {}

    record SetSpec(Stmt.Target target, String value) {}

    /** {@code {% set target | filters %}}; {@code filter} is null without filters. */
    record BlockSetSpec(Stmt.Target target, String filter) {}

    record WithSpec(List<Stmt.Target> targets, List<String> values) {}

    /** A macro; {@code defaults} belong to the last parameters, as in Python. */
    record MacroSpec(String name, List<String> params, List<String> defaults, boolean catchVarargs,
            boolean catchKwargs) {}
}
