package dev.nemotron4j.chat.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PartialMarkerTest {
    @Test
    void theLongestSuffixThatStartsTheMarker() {
        assertEquals(0, PartialMarker.heldLength("", "</think>"));
        assertEquals(0, PartialMarker.heldLength("abc", "</think>"));
        assertEquals(1, PartialMarker.heldLength("abc<", "</think>"));
        assertEquals(7, PartialMarker.heldLength("abc</think", "</think>"));
        assertEquals(2, PartialMarker.heldLength("</", "</think>"));
        assertEquals(2, PartialMarker.heldLength("xaa", "aab")); // "aa", not just "a"
    }

    @Test
    void aCompleteMarkerIsNotHeld() {
        assertEquals(0, PartialMarker.heldLength("abc</think>", "</think>"));
        assertEquals(0, PartialMarker.heldLength("x", "x"));
    }
}
