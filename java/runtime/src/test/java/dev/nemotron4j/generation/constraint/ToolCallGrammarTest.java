package dev.nemotron4j.generation.constraint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.ToolCall;
import dev.nemotron4j.chat.parse.ToolCallParser;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The tool-call grammar against whole answers, answers fed in pieces, and the parser that reads them. */
class ToolCallGrammarTest {
    private static final ToolCallGrammar ADD = ToolCallGrammar.oneCall("add");
    private static final ToolCallGrammar ANY = ToolCallGrammar.oneOrMoreCalls(List.of("add", "add_all", "sub"));
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String call(String name, String arguments) {
        return "{\"name\": \"" + name + "\", \"arguments\": " + arguments + "}";
    }

    private static String block(String... calls) {
        return "<TOOLCALL>[" + String.join(", ", calls) + "]</TOOLCALL>";
    }

    private static boolean accepts(ToolCallGrammar grammar, String text) {
        return grammar.accepting(grammar.advance(grammar.start(), text));
    }

    /** Neither accepted nor a prefix of anything accepted: some character is rejected. */
    private static boolean rejects(ToolCallGrammar grammar, String text) {
        return grammar.advance(grammar.start(), text) == ToolCallGrammar.REJECT;
    }

    @Test
    void oneCallOfSeveralNamesTakesAnyOfThemButOnlyOnce() {
        ToolCallGrammar single = ToolCallGrammar.oneCallOf(List.of("add", "sub"));
        assertTrue(accepts(single, block(call("sub", "{}"))));
        assertTrue(accepts(single, block(call("add", "{\"a\": 1}"))));
        assertTrue(rejects(single, block(call("mul", "{}"))));
        assertTrue(rejects(single, block(call("add", "{}"), call("sub", "{}"))), "no second call");
        assertTrue(accepts(ANY, block(call("add", "{}"), call("sub", "{}"))), "where several are allowed");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"a\": 1, \"b\": 2}",
        "{}",
        "{ }",
        "{\"a\":1,\"b\":2}",
        "{\n  \"a\": -0.5e+10,\n  \"b\": [1, 2.25, -0, 0e0, 10E-3]\n}",
        "{\"x\": {\"y\": [true, false, null, [], {}, \"s\"]}}",
        "{\"s\": \"quote \\\" backslash \\\\ slash \\/ \\b\\f\\n\\r\\t \\u00e9\\uD83D\\uDE00 é 😀\"}",
        "{\"s\": \"<TOOLCALL> </TOOLCAL\"}",
        "{\"\": \"\", \"k\": \"</TOOLCALL\", \"z\": \"<\\/TOOLCALL>\"}",
    })
    void acceptsOneCallWithValidArgumentsAndTheParserReadsIt(String arguments) throws Exception {
        String answer = block(call("add", arguments));
        assertTrue(accepts(ADD, answer), answer);
        assertTrue(accepts(ANY, answer), answer);
        List<ToolCall> calls = new ToolCallParser().pushAll(answer).toolCalls();
        assertEquals(1, calls.size(), answer);
        assertEquals("add", calls.get(0).name());
        assertTrue(JSON.readTree(calls.get(0).arguments()).isObject());
    }

    @Test
    void leadingWhitespaceIsAllowedUpToTheLimit() {
        String answer = block(call("add", "{}"));
        assertTrue(accepts(ADD, "\n\n" + answer));
        assertTrue(accepts(ADD, " ".repeat(ToolCallGrammar.MAX_WHITESPACE) + answer));
        assertTrue(rejects(ADD, " ".repeat(ToolCallGrammar.MAX_WHITESPACE + 1)));
        assertTrue(rejects(ADD, "Sure! " + answer), "no text before the block");
    }

    @Test
    void whitespaceRunsInTheArgumentsAreBounded() {
        String run = " ".repeat(ToolCallGrammar.MAX_WHITESPACE);
        assertTrue(accepts(ADD, block(call("add", "{" + run + "\"a\"" + run + ":" + run + "1" + run + "}"))));
        assertTrue(rejects(ADD, "<TOOLCALL>[{\"name\": \"add\", \"arguments\": {" + run + " "));
        assertTrue(rejects(ADD, "<TOOLCALL>[{\"name\": \"add\", \"arguments\": {\"a\": 1" + run + "\n"));
        assertTrue(accepts(ADD, block(call("add", "{\"a\": \"" + run + run + "\"}"))), "spaces in a string are text");
    }

    @Test
    void nestingIsBoundedWithTheArgumentsObjectCountingAsOne() {
        int inner = ToolCallGrammar.MAX_DEPTH - 1;
        String deepest = "{\"a\": " + "[{\"b\": ".repeat(inner / 2) + "[1]" + "}]".repeat(inner / 2) + "}";
        assertTrue(accepts(ADD, block(call("add", deepest))), deepest);
        String head = "<TOOLCALL>[{\"name\": \"add\", \"arguments\": {\"a\": " + "[".repeat(inner - 1);
        assertNotEquals(ToolCallGrammar.REJECT, ADD.advance(ADD.start(), head + "["), "the deepest allowed");
        assertTrue(rejects(ADD, head + "[["));
        assertTrue(rejects(ADD, head + "[{"));
    }

    @Test
    void propertyNamesAreBoundedButStringValuesAreNot() {
        String longest = "k".repeat(ToolCallGrammar.MAX_KEY_LENGTH - 6) + "\\u00e9";
        assertTrue(accepts(ADD, block(call("add", "{\"" + longest + "\": \"" + "v".repeat(1000) + "\"}"))));
        String head = "<TOOLCALL>[{\"name\": \"add\", \"arguments\": {\"";
        assertTrue(rejects(ADD, head + "k".repeat(ToolCallGrammar.MAX_KEY_LENGTH + 1)));
        assertTrue(rejects(ADD, head + "k".repeat(ToolCallGrammar.MAX_KEY_LENGTH - 1) + "\\n"), "escapes count");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[1]", "\"s\"", "1", "null", " {}",                        // the arguments are an object, at once
        "{\"a\": 01}", "{\"a\": 1.}", "{\"a\": .5}", "{\"a\": +1}", "{\"a\": -}", "{\"a\": 1e}", "{\"a\": 1e+}",
        "{\"a\": 1,}", "{,}", "{\"a\" 1}", "{\"a\": [1,]}", "{\"a\": [,1]}", "{a: 1}", "{'a': 1}",
        "{\"a\": tru}", "{\"a\": nul1}", "{\"a\": True}", "{\"a\": NaN}", "{\"a\": \"x\\q\"}",
        "{\"a\": \"\\u12G4\"}", "{\"a\": \"line\nbreak\"}", "{\"a\": \"tab\tinside\"}", "{\"a\": [1}", "{\"a\": {]}",
        "{\"a\": \"</TOOLCALL>\"}", "{\"a\": \"<</TOOLCALL>\"}", "{\"a\": 1}}",
    })
    void rejectsInvalidArguments(String arguments) {
        String answer = block(call("add", arguments));
        assertFalse(accepts(ADD, answer), answer);
        assertTrue(rejects(ADD, answer), answer);
    }

    @Test
    void aNamedChoiceAllowsOnlyItsNameAndOneCall() {
        assertTrue(rejects(ADD, block(call("sub", "{}"))));
        assertTrue(rejects(ADD, block(call("ad", "{}"))));
        assertTrue(rejects(ADD, block(call("add_all", "{}"))));
        assertTrue(rejects(ADD, block(call("add", "{}"), call("add", "{}"))));
        assertTrue(rejects(ADD, "<TOOLCALL>[{\"name\":\"add\",\"arguments\":{}}]</TOOLCALL>"), "the template's layout");
    }

    @Test
    void aRequiredChoiceAllowsAnyToolAndSeveralCalls() {
        assertTrue(accepts(ANY, block(call("sub", "{\"a\": 1}"))));
        assertTrue(accepts(ANY, block(call("add_all", "{}"), call("add", "{\"x\": [1]}"), call("sub", "{}"))));
        assertTrue(rejects(ANY, block(call("mul", "{}"))));
        assertTrue(rejects(ANY, block(call("add_al", "{}"))));
        assertTrue(rejects(ANY, "<TOOLCALL>[]</TOOLCALL>"), "at least one call");
        assertTrue(rejects(ANY, "<TOOLCALL>[" + call("add", "{}") + ",{"), "calls are separated by \", \"");
        List<ToolCall> calls = new ToolCallParser().pushAll(block(call("sub", "{}"), call("add", "{}"))).toolCalls();
        assertEquals(List.of("sub", "add"), calls.stream().map(ToolCall::name).toList());
    }

    @Test
    void namesAreWrittenAsJsonWritesThem() {
        ToolCallGrammar quoted = ToolCallGrammar.oneCall("say \"hi\"\\");
        String answer = block(call("say \\\"hi\\\"\\\\", "{}"));
        assertTrue(accepts(quoted, answer));
        assertEquals("say \"hi\"\\", new ToolCallParser().pushAll(answer).toolCalls().get(0).name());
    }

    @Test
    void nothingMayFollowTheBlockAndAnOpenBlockIsNotAccepted() {
        String answer = block(call("add", "{}"));
        long end = ADD.advance(ADD.start(), answer);
        assertTrue(ADD.accepting(end));
        assertEquals(ToolCallGrammar.REJECT, ADD.advance(end, '\n'));
        for (int cut = 0; cut < answer.length(); cut++) {
            long state = ADD.advance(ADD.start(), answer.substring(0, cut));
            assertNotEquals(ToolCallGrammar.REJECT, state, "every prefix is allowed");
            assertFalse(ADD.accepting(state), "a prefix is not a whole block");
        }
    }

    @Test
    void piecesGiveTheSameStateAsTheWholeWhereverTheyAreCut() {
        // cuts inside the literal, the name, a key, a string with escapes, a number and a keyword
        String answer = "\n" + block(call("add_all", "{\"k\\u00e9y\": [\"a\\\"b\", -12.5e3, true], \"n\": null}"),
                call("sub", "{}"));
        long whole = ANY.advance(ANY.start(), answer);
        assertTrue(ANY.accepting(whole));
        for (int a = 0; a <= answer.length(); a++) {
            for (int b = a; b <= answer.length(); b += 7) {
                long s = ANY.advance(ANY.start(), answer.substring(0, a));
                s = ANY.advance(s, answer.substring(a, b));
                s = ANY.advance(s, answer.substring(b));
                assertEquals(whole, s, "cut at " + a + " and " + b);
            }
        }
    }

    @Test
    void theArgumentsAreJsonAndTheLiteralsAreNot() {
        long inLiteral = ADD.advance(ADD.start(), "<TOOLCALL>[{\"na");
        assertFalse(ADD.inJson(inLiteral));
        long atArguments = ADD.advance(ADD.start(), "<TOOLCALL>[{\"name\": \"add\", \"arguments\": ");
        assertTrue(ADD.inJson(atArguments));
        long afterArguments = ADD.advance(atArguments, "{}");
        assertFalse(ADD.inJson(afterArguments), "the call's closing brace is a literal");
    }

    /**
     * Soundness on random near-misses: mutations of valid answers that the grammar accepts are read by the
     * parser (Jackson, strict) as calls to allowed tools with object arguments.
     */
    @Test
    void everyAcceptedMutationParsesAsAllowedCalls() throws Exception {
        Random random = new Random(11);
        String alphabet = "{}[]\":,. -+eE0123456789tfnulrsa\\/u\n<>TOOLCALL_";
        String base = block(call("add", "{\"a\": [1, -2.5e3, \"x\\\"y\"], \"b\": {\"c\": null, \"d\": true}}"),
                call("sub", "{}"));
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder(base);
            for (int m = 1 + random.nextInt(3); m > 0; m--) {
                int at = random.nextInt(s.length());
                char c = alphabet.charAt(random.nextInt(alphabet.length()));
                switch (random.nextInt(3)) {
                    case 0 -> s.setCharAt(at, c);
                    case 1 -> s.insert(at, c);
                    default -> s.deleteCharAt(at);
                }
            }
            String answer = s.toString();
            if (!accepts(ANY, answer)) {
                continue;
            }
            accepted++;
            List<ToolCall> calls = new ToolCallParser().pushAll(answer).toolCalls();
            assertFalse(calls.isEmpty(), answer);
            for (ToolCall call : calls) {
                assertTrue(List.of("add", "add_all", "sub").contains(call.name()), answer);
                assertTrue(JSON.readTree(call.arguments()).isObject(), answer);
            }
        }
        assertTrue(accepted > 100, "the mutations exercise accepted answers too: " + accepted);
    }

    @Test
    void namesMustBeGiven() {
        assertThrows(IllegalArgumentException.class, () -> ToolCallGrammar.oneOrMoreCalls(List.of()));
        assertThrows(IllegalArgumentException.class, () -> ToolCallGrammar.oneCall(" "));
    }
}
