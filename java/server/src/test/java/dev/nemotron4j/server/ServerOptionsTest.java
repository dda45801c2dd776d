package dev.nemotron4j.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code --reasoning-parser}: none by default, the known names, a clear error otherwise. */
class ServerOptionsTest {
    private static final ServerOptions BASE = new ServerOptions("127.0.0.1", 0, null, "m");

    @Test
    void reasoningParserNames() {
        assertFalse(BASE.splitsReasoning());
        assertTrue(BASE.withReasoningParser("nemotron").splitsReasoning());
        assertTrue(BASE.withReasoningParser("nano_v2").splitsReasoning());
        assertThrows(IllegalArgumentException.class, () -> BASE.withReasoningParser("qwen3"));
    }
}
