package dev.nemotron4j.server.sse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Server-sent events as OpenAI streams them: {@code data: {json}\n\n} per event, flushed at once, and
 * {@code data: [DONE]\n\n} at the end.
 *
 * <p>The JDK's HTTP server says nothing when a client disconnects; only a write notices. So while the stream
 * is open a watcher writes an SSE comment ({@code : keep-alive\n\n}, which clients ignore) whenever nothing was
 * written for {@link #KEEP_ALIVE_MILLIS}; once a write fails {@link #clientGone()} turns true, which the
 * routes pass to the runtime as its cancel check, so a request that is queued, prefilling or between tokens
 * is stopped and its sequence freed without waiting for its next token. Writes from the generations (the
 * choices of one request stream from several threads) and the watcher are serialised by one lock, so each
 * event goes out whole. A write after the client has gone throws {@link UncheckedIOException},
 * which unwinds the route. {@link #close()} stops the watcher.
 */
public final class SseWriter implements AutoCloseable {
    /** How long the stream may stay silent before the watcher probes the client with a comment. */
    static final long KEEP_ALIVE_MILLIS = 250;
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);
    private static final ScheduledExecutorService WATCHER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nemotron4j-sse-watcher");
        t.setDaemon(true);
        return t;
    });

    private final ObjectMapper mapper;
    private final OutputStream out;
    private final ReentrantLock lock = new ReentrantLock();
    private final long keepAliveNanos;
    private volatile ScheduledFuture<?> watcher;  // set once, just after it is scheduled
    private volatile boolean gone;
    private boolean closed;  // guarded by lock
    private long lastWriteNanos;  // guarded by lock

    /** Sends the 200 headers (chunked) and returns a writer on the exchange's body, its watcher started. */
    public static SseWriter open(HttpExchange exchange, ObjectMapper mapper) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        return new SseWriter(mapper, exchange.getResponseBody(), KEEP_ALIVE_MILLIS);
    }

    SseWriter(ObjectMapper mapper, OutputStream out, long keepAliveMillis) {
        this.mapper = mapper;
        this.out = out;
        this.keepAliveNanos = TimeUnit.MILLISECONDS.toNanos(keepAliveMillis);
        this.lastWriteNanos = System.nanoTime();
        this.watcher = WATCHER.scheduleWithFixedDelay(this::probe, keepAliveMillis, keepAliveMillis,
                TimeUnit.MILLISECONDS);
    }

    /** True once a write to the client failed: the client went away. Cheap; safe from any thread. */
    public boolean clientGone() {
        return gone;
    }

    /** Writes one event, whole and flushed; safe to call from several threads at once. */
    public void event(Object json) {
        String text;
        try {
            text = "data: " + mapper.writeValueAsString(json) + "\n\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    public void done() {
        write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    }

    /** Stops the watcher; later writes still go out (the exchange's own close ends the body). */
    @Override
    public void close() {
        stopWatcher();
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    private void write(byte[] bytes) {
        lock.lock();
        try {
            if (gone) {
                throw new UncheckedIOException(new IOException("the client went away"));
            }
            out.write(bytes);
            out.flush();
            lastWriteNanos = System.nanoTime();
        } catch (IOException e) {
            gone = true;  // the watcher sees it and stops probing
            throw new UncheckedIOException("the client went away", e);
        } finally {
            lock.unlock();
        }
    }

    /** The watcher's turn: a comment if the stream was silent; skipped while a write is under way. */
    private void probe() {
        if (!lock.tryLock()) {
            return;
        }
        try {
            if (closed || gone) {
                stopWatcher();
            } else if (System.nanoTime() - lastWriteNanos >= keepAliveNanos / 2) {
                out.write(KEEP_ALIVE);
                out.flush();
                lastWriteNanos = System.nanoTime();
            }
        } catch (IOException e) {
            gone = true;
            stopWatcher();
        } finally {
            lock.unlock();
        }
    }

    private void stopWatcher() {
        ScheduledFuture<?> w = watcher;
        if (w != null) {
            w.cancel(false);
        }
    }
}
