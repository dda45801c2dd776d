package dev.nemotron4j.chat.template.jinja;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.InterpretException;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.tree.Node;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jinjava.javax.el.CompositeELResolver;

/**
 * A Jinja template rendered the way Hugging Face transformers renders chat templates (jinja2's
 * {@code ImmutableSandboxedEnvironment} with {@code trim_blocks}, {@code lstrip_blocks} and the
 * loopcontrols extension, plus {@code tojson}, {@code raise_exception} and {@code strftime_now}),
 * byte for byte, on Jinjava.
 *
 * <p>How: the template is lexed and parsed here with jinja2's own rules ({@link Lexer}, {@link Parser}),
 * which settles whitespace control exactly; it is then compiled into a Jinjava template of
 * {@code py_*} tags ({@link Emitter}) whose expressions call Python-semantics functions
 * ({@link PyRuntime}). Jinjava builds and walks the tag tree, keeps the scopes and evaluates the
 * expressions. Output is never interpreted again (Jinjava's nested interpretation is off), so a message
 * containing {@code {{ 7*7 }}} renders as written. Instances are immutable and thread-safe.
 */
public final class JinjaTemplate {
    private final String source;
    private final Emitter.Emitted compiled;
    private final Jinjava jinjava;
    private final JinjavaConfig config;
    private final Node root;

    private JinjaTemplate(String source, Emitter.Emitted compiled) {
        this.source = source;
        this.compiled = compiled;
        this.config = JinjavaConfig.newBuilder()
                .withNestedInterpretationEnabled(false)
                .withKeepTrailingNewline(true)
                // the compiled expressions only call py: functions; no bean or property access at all
                .withElResolver(new CompositeELResolver())
                .build();
        this.jinjava = new Jinjava(config);
        for (Tag tag : List.of(new OutputTags.Text(), new OutputTags.Print(), new OutputTags.Generation(),
                new IfTag(), new IfTag.Elif(), new IfTag.Else(), new ForTag(), new ForTag.Break(),
                new ForTag.Continue(), new AssignTags.Set(), new AssignTags.SetBlock(), new AssignTags.With(),
                new AssignTags.FilterBlock(), new MacroTag())) {
            jinjava.getGlobalContext().registerTag(tag);
        }
        PyRuntime.register(jinjava.getGlobalContext());
        // the tag tree is parsed once; rendering only reads it
        JinjavaInterpreter parser = newInterpreter(Map.of());
        this.root = parser.parse(compiled.source());
        if (!parser.getErrorsCopy().isEmpty()) {
            throw new IllegalStateException("compiled template does not parse: " + parser.getErrorsCopy());
        }
    }

    /** An interpreter over a fresh {@link RenderRoot} scope on top of the shared global context. */
    private JinjavaInterpreter newInterpreter(Map<String, Object> bindings) {
        return new JinjavaInterpreter(jinjava, new RenderRoot(jinjava.getGlobalContext(), bindings), config);
    }

    /**
     * Compiles a template.
     *
     * @throws TemplateSyntaxError where jinja2 would fail to compile it, or it uses a tag or filter this
     *     engine does not support
     */
    public static JinjaTemplate compile(String source) {
        return new JinjaTemplate(source, Emitter.emit(Parser.parse(source)));
    }

    public String source() {
        return source;
    }

    /** Renders with the system clock behind {@code strftime_now}. */
    public String render(Map<String, ?> variables) {
        return render(variables, Clock.systemDefaultZone());
    }

    /**
     * Renders with these variables: JSON-shaped values (maps, lists, strings, numbers, booleans, null
     * for Python's None), deep-copied so the template cannot reach the caller's objects.
     *
     * @throws TemplateRuntimeError where jinja2 would raise while rendering
     * @throws IllegalArgumentException if a variable holds something that is not JSON-shaped
     */
    public String render(Map<String, ?> variables, Clock clock) {
        Map<String, Object> bindings = new HashMap<>();
        variables.forEach((name, value) -> bindings.put(name, PyValues.fromJava(value, name)));
        RenderState state = new RenderState(compiled.specs(), clock);
        bindings.put(RenderState.KEY, state);
        JinjavaInterpreter interpreter = newInterpreter(bindings);
        String output;
        try (var current = JinjavaInterpreter.closeablePushCurrent(interpreter).get()) {
            output = interpreter.render(root);
        } catch (PyTag.Abort e) {
            output = null; // the failure is in the render state
        } catch (InterpretException e) {
            state.fail(TemplateRuntimeError.type("template engine error: " + e.getMessage()));
            output = null;
        } catch (StackOverflowError e) {
            // a macro that calls itself without end: Python raises RecursionError
            state.fail(TemplateRuntimeError.value("maximum recursion depth exceeded"));
            output = null;
        }
        if (state.failure() != null) {
            throw new TemplateRuntimeError(state.failure().kind(), state.failure().getMessage());
        }
        for (TemplateError e : interpreter.getErrorsCopy()) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw TemplateRuntimeError.type("template engine error: " + e.getMessage());
            }
        }
        return output;
    }
}
