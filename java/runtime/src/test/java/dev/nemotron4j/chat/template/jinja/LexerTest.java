package dev.nemotron4j.chat.template.jinja;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * jinja2's whitespace control under transformers' settings (trim_blocks, lstrip_blocks), each rule on
 * its own; the random templates in extra_renders.json check their combinations against jinja2.
 */
class LexerTest {
    private static String render(String template) {
        return JinjaTemplate.compile(template).render(Map.of());
    }

    @Test
    void trimBlocksDropsTheNewlineAfterABlockTagOnly() {
        assertEquals("A\nB", render("{% if true %}\nA\n{% endif %}\nB"));
        assertEquals("v\nw", render("{{ 'v' }}\nw"));
        assertEquals("\nx", render("{% if true +%}\nx{% endif %}"));
    }

    @Test
    void lstripBlocksRemovesIndentBeforeABlockTagAloneOnItsLine() {
        assertEquals("  x\n", render("  {% if true %}\n  x\n  {% endif %}\n"));
        assertEquals("a   b", render("a {% if true %}  b{% endif %}"));
        assertEquals("  x", render("  {%+ if true %}x{% endif %}"));
        assertEquals("  v", render("  {{ 'v' }}"));
    }

    @Test
    void minusStripsAllWhitespaceOnItsSide() {
        assertEquals("ab", render("a  \n  {%- if true -%}  \n  b{% endif %}"));
        assertEquals("ab", render("a\u00a0{{- '' }}b"), "NBSP is whitespace to Python");
        assertEquals("a\u200bb", render("a\u200b{{- '' }}b"), "ZERO WIDTH SPACE is not");
    }

    @Test
    void commentsAreDroppedAndTrimLikeBlocks() {
        assertEquals("a\nb", render("a\n  {# comment #}\nb"));
    }

    @Test
    void newlinesAreNormalizedAndOneTrailingNewlineDropped() {
        assertEquals("a\nb\nc\n", render("a\r\nb\rc\n\n"));
    }

    @Test
    void endDelimitersInsideBracketsOrStringsDoNotEndTheTag() {
        assertEquals("2|}}|{%", render("{{ {'a': {'b': 2}}['a']['b'] }}|{{ '}}' }}|{{ \"{%\" }}"));
    }

    @Test
    void rawBlocksAreText() {
        assertEquals("{{ x }}{% if %}", render("{% raw %}{{ x }}{% if %}{% endraw %}"));
    }

    @Test
    void stringLiteralsDecodeLikePython() {
        assertEquals("\t|A|é|•|\\d|\\xe9", render("{{ '\\t|\\x41|\\u00e9|\\N{BULLET}|\\d|\\é' }}"));
        assertThrows(TemplateSyntaxError.class, () -> render("{{ '\\x4' }}"));
    }
}
