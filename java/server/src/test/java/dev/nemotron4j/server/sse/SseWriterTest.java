package dev.nemotron4j.server.sse;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The writer's watcher notices a gone client without an event being written. */
class SseWriterTest {
    private static final long KEEP_ALIVE_MILLIS = 20;

    /** A client body that fails every write once the client has "disconnected". */
    private static final class Client extends OutputStream {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        volatile boolean disconnected;

        @Override
        public synchronized void write(int b) throws IOException {
            if (disconnected) {
                throw new IOException("Broken pipe");
            }
            received.write(b);
        }

        synchronized String text() {
            return received.toString(StandardCharsets.UTF_8);
        }
    }

    private static void awaitGone(SseWriter sse) throws InterruptedException {
        for (int i = 0; i < 200 && !sse.clientGone(); i++) {
            Thread.sleep(10);
        }
    }

    @Test
    void aSilentStreamIsProbedWithCommentsAndAGoneClientIsNoticed() throws Exception {
        Client client = new Client();
        try (SseWriter sse = new SseWriter(new ObjectMapper(), client, KEEP_ALIVE_MILLIS)) {
            sse.event(Map.of("a", 1));
            Thread.sleep(10 * KEEP_ALIVE_MILLIS);
            assertFalse(sse.clientGone());
            String text = client.text();
            assertTrue(text.contains("data: {\"a\":1}\n\n: keep-alive\n\n"), text);  // probes only in silences

            client.disconnected = true;
            awaitGone(sse);
            assertTrue(sse.clientGone(), "the watcher noticed without an event");
            assertThrows(UncheckedIOException.class, () -> sse.event(Map.of("b", 2)));
        }
    }

    @Test
    void aFailedEventWriteMarksTheClientGone() {
        Client client = new Client();
        try (SseWriter sse = new SseWriter(new ObjectMapper(), client, 60_000)) {
            client.disconnected = true;
            assertThrows(UncheckedIOException.class, sse::done);
            assertTrue(sse.clientGone());
        }
    }

    @Test
    void aClosedWriterStopsProbing() throws Exception {
        Client client = new Client();
        SseWriter sse = new SseWriter(new ObjectMapper(), client, KEEP_ALIVE_MILLIS);
        sse.done();
        sse.close();
        Thread.sleep(5 * KEEP_ALIVE_MILLIS);
        assertTrue(client.text().equals("data: [DONE]\n\n"), client.text());
    }
}
