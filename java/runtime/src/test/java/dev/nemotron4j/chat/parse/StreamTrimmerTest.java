package dev.nemotron4j.chat.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StreamTrimmerTest {
    @Test
    void piecesConcatenateToTheStrippedWhole() {
        String text = " \n\t a b\n\n c \u3000\n";
        for (Splits.Cut cut : Splits.of(text)) {
            StreamTrimmer trimmer = new StreamTrimmer();
            StringBuilder out = new StringBuilder();
            cut.pieces().forEach(piece -> out.append(trimmer.push(piece)));
            trimmer.finish();
            assertEquals(text.strip(), out.toString(), "cut " + cut.name());
        }
    }

    @Test
    void whitespaceIsHeldUntilTextFollows() {
        StreamTrimmer trimmer = new StreamTrimmer();
        assertEquals("", trimmer.push("\n "));
        assertEquals("a", trimmer.push("a\n"));
        assertEquals("", trimmer.push(" "));
        assertEquals("\n b", trimmer.push("b"));
        assertEquals("", trimmer.push("\n"));
        trimmer.finish();
    }

    @Test
    void onlyWhitespaceIsNothing() {
        StreamTrimmer trimmer = new StreamTrimmer();
        assertEquals("", trimmer.push(" \n\n "));
        trimmer.finish();
    }
}
