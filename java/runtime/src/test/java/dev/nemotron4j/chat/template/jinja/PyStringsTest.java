package dev.nemotron4j.chat.template.jinja;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The Python str semantics Java's String lacks; expected values are CPython 3.11's. */
class PyStringsTest {
    @Test
    void stripUsesPythonsWhitespace() {
        assertEquals("x", PyStrings.strip("\u00a0\u3000\u001c\u0085 x \u2028\u202f"));
        assertEquals("x\u200b", PyStrings.strip(" x\u200b "), "ZERO WIDTH SPACE is not whitespace in Python");
        assertEquals("bc", PyStrings.strip("abca", "a", true, true));
    }

    @Test
    void splitKeepsEmptyFieldsWithASeparatorAndDropsThemWithout() {
        assertEquals(List.of("a", ""), PyStrings.split("a</think>", "</think>", -1));
        assertEquals(List.of("", "b", "c"), PyStrings.split(",b,c", ",", -1));
        assertEquals(List.of("a", "b  c "), PyStrings.split("  a b  c ", null, 1));
        assertEquals(List.of("  a b", "c"), PyStrings.rsplit("  a b  c ", null, 1));
        assertEquals(List.of("a,b", "c"), PyStrings.rsplit("a,b,c", ",", 1));
    }

    @Test
    void indexesAndSlicesCountCodePoints() {
        assertEquals(3, PyStrings.length("😀ab"));
        assertEquals("ab", PyAccess.slice("😀ab", 1L, null, null));
        assertEquals(1L, PyStrings.find("😀ab", "a", null, null, false));
        assertEquals("b😀", PyAccess.slice("😀b", null, null, -1L));
    }

    @Test
    void caseMappingsUseFullUnicodeRules() {
        assertEquals("Hello World", PyStrings.title("hello wORLD"));
        assertEquals("Ss Fi", PyStrings.title("ß ﬁ"));
        assertEquals("SS i\u0307", PyStrings.swapcase("ß İ"));
        assertEquals("X-Y'S", PyStrings.title("x-y's"));
    }

    @Test
    void replaceAndReprFollowCPython() {
        assertEquals("-a-b-", PyStrings.replace("ab", "", "-", -1));
        assertEquals("-ab", PyStrings.replace("ab", "", "-", 1));
        assertEquals("\"it's\"", PyStrings.repr("it's"));
        assertEquals("'a\\nb\\x00\\xad\\u2028é😀'", PyStrings.repr("a\nb\u0000\u00ad\u2028é😀"));
    }
}
