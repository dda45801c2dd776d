package dev.nemotron4j.chat.template.jinja;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.tree.TagNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code {% macro name(a, b=default) %}...{% endmacro %}} defines a {@link Macro}; calling it binds the
 * arguments as jinja2 does: missing ones are undefined, defaults are evaluated at call time in the
 * macro's scope, and extra positional or keyword arguments are an error unless the body uses
 * {@code varargs} / {@code kwargs}.
 */
final class MacroTag extends PyTag {
    private static final long serialVersionUID = 1L;

    MacroTag() {
        super("py_macro", true);
    }

    @Override
    public String interpret(TagNode node, JinjavaInterpreter interpreter) {
        Specs.MacroSpec spec = spec(node, interpreter, Specs.MacroSpec.class);
        Scopes.assign(interpreter, spec.name(), new Macro(spec, node, interpreter.getContext()));
        return "";
    }

    static String call(Macro macro, List<Object> args, Map<String, Object> kwargs) {
        JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
        Specs.MacroSpec spec = macro.spec();
        List<String> params = spec.params();
        if (args.size() > params.size() && !spec.catchVarargs()) {
            throw TemplateRuntimeError.type("macro '" + spec.name() + "' takes not more than " + params.size()
                    + " argument(s)");
        }
        RenderState state = RenderState.of(interpreter);
        state.enterCall();
        try (var scope = interpreter.enterScope()) {
            Scopes.assign(interpreter, Scopes.CLOSURE, macro.closure());
            Map<String, Object> extraKeywords = new LinkedHashMap<>();
            kwargs.forEach((k, v) -> {
                int i = params.indexOf(k);
                if (i >= 0 && i < args.size()) {
                    throw TemplateRuntimeError.type("macro '" + spec.name() + "' got multiple values for argument '" + k + "'");
                }
                if (i < 0 && !spec.catchKwargs()) {
                    throw TemplateRuntimeError.type("macro '" + spec.name() + "' takes no keyword argument '" + k + "'");
                }
                if (i < 0) {
                    extraKeywords.put(k, v);
                }
            });
            int firstDefault = params.size() - spec.defaults().size();
            for (int i = 0; i < params.size(); i++) {
                String name = params.get(i);
                Object value;
                if (i < args.size()) {
                    value = args.get(i);
                } else if (kwargs.containsKey(name)) {
                    value = kwargs.get(name);
                } else if (i >= firstDefault) {
                    value = eval(interpreter, spec.defaults().get(i - firstDefault), macro.body().getLineNumber());
                } else {
                    value = new Undefined("parameter '" + name + "' was not provided");
                }
                Scopes.assign(interpreter, name, value);
            }
            if (spec.catchVarargs()) {
                Scopes.assign(interpreter, "varargs",
                        new PyTuple(args.size() > params.size() ? args.subList(params.size(), args.size()) : new ArrayList<>()));
            }
            if (spec.catchKwargs()) {
                Scopes.assign(interpreter, "kwargs", extraKeywords);
            }
            return render(macro.body().getChildren(), interpreter);
        } finally {
            state.exitCall();
        }
    }
}
