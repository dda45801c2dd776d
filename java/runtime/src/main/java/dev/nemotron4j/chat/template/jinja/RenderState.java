package dev.nemotron4j.chat.template.jinja;

import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import java.time.Clock;
import java.util.List;

/**
 * What one render needs besides the template variables: the compiled specs the tags point into, the
 * clock behind {@code strftime_now}, and the first error raised (Jinjava records errors and carries
 * on; jinja2 stops at the first, so the tags check this after every evaluation). It lives in the
 * render's root scope under a key no template name can spell.
 */
final class RenderState {
    static final String KEY = "py:state";
    /**
     * Macro calls and recursive loops nest this deep at most. Python stops jinja2 at about 190 (its
     * recursion limit); this stays well inside a 512 KiB thread stack, and no chat template comes close.
     */
    static final int MAX_CALL_DEPTH = 100;

    private final List<Object> specs;
    private final Clock clock;
    private TemplateRuntimeError failure;
    private int callDepth;

    RenderState(List<Object> specs, Clock clock) {
        this.specs = specs;
        this.clock = clock;
    }

    static RenderState current() {
        return of(JinjavaInterpreter.getCurrent());
    }

    static RenderState of(JinjavaInterpreter interpreter) {
        return (RenderState) interpreter.getContext().get(KEY);
    }

    /** The spec of a tag: its helpers text is the index into the compiled specs. */
    <T> T spec(String helpers, Class<T> type) {
        return type.cast(specs.get(Integer.parseInt(helpers.trim())));
    }

    /** Enters a macro call or recursive loop; pair with {@link #exitCall()}. */
    void enterCall() {
        if (++callDepth > MAX_CALL_DEPTH) {
            callDepth--;
            throw TemplateRuntimeError.value("maximum recursion depth exceeded");
        }
    }

    void exitCall() {
        callDepth--;
    }

    Clock clock() {
        return clock;
    }

    void fail(TemplateRuntimeError e) {
        if (failure == null) {
            failure = e;
        }
    }

    TemplateRuntimeError failure() {
        return failure;
    }

    /** Whether {@code context} is the render's root scope (the one holding the variables passed in). */
    static boolean isRoot(Context context) {
        return context.getScope().containsKey(KEY);
    }
}
