package dev.nemotron4j.chat.template.jinja;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** jinja2 semantics on Jinjava that templates rely on; the fixture files cover the rest against jinja2. */
class JinjaTemplateTest {
    private static String render(String template, Map<String, ?> vars) {
        return JinjaTemplate.compile(template).render(vars);
    }

    private static String render(String template) {
        return render(template, Map.of());
    }

    @Test
    void noneIsAValueAndUndefinedIsNot() {
        Map<String, Object> vars = new HashMap<>();
        vars.put("n", null);
        assertEquals("None|True|True|False|", render("{{ n }}|{{ n is none }}|{{ n is defined }}|{{ x is defined }}|{{ x }}", vars));
        assertEquals("d|None", render("{{ x | default('d') }}|{{ n | default('d') }}", vars));
    }

    @Test
    void pythonTruthAndValues() {
        assertEquals("yes|True|1.0|[1, 'a', None]|{'k': (1,)}", render("{{ 'yes' if 'false' else 'no' }}|{{ true }}|{{ 2 / 2 }}"
                + "|{{ [1, 'a', none] }}|{{ {'k': (1,)} }}"));
        assertEquals("False|True", render("{{ '1' == 1 }}|{{ 1 == 1.0 }}"), "no EL coercion");
    }

    @Test
    void setInsideALoopDoesNotLeakButANamespaceDoes() {
        assertEquals("[o][o]o|3", render("{% set x = 'o' %}{% for i in [1, 2] %}[{{ x }}]{% set x = i %}{% endfor %}{{ x }}|"
                + "{% set ns = namespace(n=0) %}{% for i in [1, 2] %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}"));
    }

    @Test
    void macrosSeeTheirDefiningScopeNotTheCaller() {
        assertEquals("[g][g]", render("{% set g = 'g' %}{% macro m() %}[{{ i }}{{ g }}]{% endmacro %}"
                + "{% for i in [1, 2] %}{{ m() }}{% endfor %}"));
    }

    @Test
    void breakAndContinueKeepTheOutputBeforeThem() {
        assertEquals("ADABAD", render("{% for i in [1, 2, 3] %}A{% if i == 2 %}B{% continue %}C{% endif %}D{% endfor %}"));
        assertEquals("ADAB", render("{% for i in [1, 2, 3] %}A{% if i == 2 %}B{% break %}C{% endif %}D{% endfor %}"));
        assertThrows(TemplateSyntaxError.class, () -> JinjaTemplate.compile("{% break %}"));
        assertThrows(TemplateSyntaxError.class,
                () -> JinjaTemplate.compile("{% for i in [1] %}{% macro m() %}{% break %}{% endmacro %}{% endfor %}"));
    }

    @Test
    void theSandboxRefusesMutationAndPrivateAttributes() {
        TemplateRuntimeError e = assertThrows(TemplateRuntimeError.class, () -> render("{% set l = [] %}{{ l.append(1) }}"));
        assertEquals(TemplateRuntimeError.Kind.SECURITY, e.kind());
        assertEquals("", render("{{ ''.__class__ }}{{ m.getClass }}", Map.of("m", Map.of())));
        assertThrows(TemplateRuntimeError.class, () -> render("{{ range(200000) | length }}"));
    }

    @Test
    void errorsStopTheRenderWithTheirKind() {
        assertEquals(TemplateRuntimeError.Kind.RAISED,
                assertThrows(TemplateRuntimeError.class, () -> render("a{{ raise_exception('no') }}b")).kind());
        assertEquals(TemplateRuntimeError.Kind.UNDEFINED,
                assertThrows(TemplateRuntimeError.class, () -> render("{{ x.y }}")).kind());
        assertEquals(TemplateRuntimeError.Kind.TYPE,
                assertThrows(TemplateRuntimeError.class, () -> render("{{ 'a' + 1 }}")).kind());
        TemplateRuntimeError inMacro = assertThrows(TemplateRuntimeError.class,
                () -> render("{% macro m() %}{{ raise_exception('deep') }}{% endmacro %}{% for i in [1] %}{{ m() }}{% endfor %}"));
        assertEquals("deep", inMacro.getMessage());
        TemplateRuntimeError recursion = assertThrows(TemplateRuntimeError.class,
                () -> render("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}"));
        assertEquals("maximum recursion depth exceeded", recursion.getMessage());
    }

    @Test
    void tojsonIsPythonsJsonDumps() {
        assertEquals("{\"a\": [1, 2.5, null, true], \"é\": \"😀\\n\"}", render("{{ {'a': [1, 2.5, none, true], 'é': '😀\\n'} | tojson }}"));
        assertEquals("{\n  \"a\": 1\n}", render("{{ {'a': 1} | tojson(indent=2) }}"));
    }

    @Test
    void inputsAreDeepCopies() {
        List<Object> list = new java.util.ArrayList<>(List.of(1));
        assertEquals("[1, 2]", render("{{ l + [2] }}", Map.of("l", list)));
        assertEquals(List.of(1), list);
    }
}
