package dev.nemotron4j.chat.template.jinja;

import com.hubspot.jinjava.interpret.Context;
import java.util.Map;

/**
 * The root scope of one render, whose parent is the template's shared Jinjava global context (tags
 * and {@code py:} functions). Jinjava records every resolved function, value and expression in each
 * scope and all its parents; stopping that here keeps concurrent renders from writing to the shared
 * context's sets. (Jinjava's own renderForResult avoids it by copying the global context per render,
 * which costs about a millisecond.)
 */
final class RenderRoot extends Context {
    RenderRoot(Context globals, Map<String, ?> bindings) {
        super(globals, bindings);
    }

    @Override
    public void addResolvedExpression(String expression) {
        // bookkeeping for Jinjava's eager mode and reports, which nothing here reads
    }

    @Override
    public void addResolvedValue(String value) {
        // as above
    }

    @Override
    public void addResolvedFunction(String function) {
        // as above
    }

    @Override
    public void addDependency(String type, String identification) {
        // only include/import/extends record dependencies, and chat templates cannot use them
    }
}
