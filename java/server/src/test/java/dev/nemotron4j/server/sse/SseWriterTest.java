package dev.nemotron4j.server.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The writer's watcher notices a gone client without an event being written; events from threads stay whole. */
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

    @Test
    void eventsFromSeveralThreadsGoOutWholeAndInEachThreadsOrder() throws Exception {
        int threads = 4;
        int events = 200;
        Client client = new Client();  // takes one byte at a time: unserialised writes would interleave
        ObjectMapper json = new ObjectMapper();
        try (SseWriter sse = new SseWriter(json, client, 60_000)) {
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int choice = t;
                Thread writer = new Thread(() -> {
                    for (int i = 0; i < events; i++) {
                        sse.event(Map.of("index", choice, "seq", i, "text", "piece ".repeat(choice + 1)));
                    }
                });
                writer.start();
                writers.add(writer);
            }
            for (Thread w : writers) {
                w.join();
            }
        }
        int[] next = new int[threads];
        String[] blocks = client.text().split("\n\n");
        assertEquals(threads * events, blocks.length);
        for (String block : blocks) {
            assertTrue(block.startsWith("data: {"), block);
            var event = json.readTree(block.substring("data: ".length()));
            int choice = event.get("index").asInt();
            assertEquals(next[choice]++, event.get("seq").asInt());
            assertEquals("piece ".repeat(choice + 1), event.get("text").asText());
        }
    }
}
