package dev.nemotron4j.server.sse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Server-sent events as OpenAI streams them: {@code data: {json}\n\n} per event, flushed at once, and
 * {@code data: [DONE]\n\n} at the end. A write to a client that has gone away throws
 * {@link UncheckedIOException}, which unwinds the generation and frees its sequence.
 */
public final class SseWriter {
    private final ObjectMapper mapper;
    private final OutputStream out;

    /** Sends the 200 headers (chunked) and returns a writer on the exchange's body. */
    public static SseWriter open(HttpExchange exchange, ObjectMapper mapper) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        return new SseWriter(mapper, exchange.getResponseBody());
    }

    private SseWriter(ObjectMapper mapper, OutputStream out) {
        this.mapper = mapper;
        this.out = out;
    }

    public void event(Object json) {
        try {
            write("data: " + mapper.writeValueAsString(json) + "\n\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void done() {
        write("data: [DONE]\n\n");
    }

    private void write(String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the client went away", e);
        }
    }
}
