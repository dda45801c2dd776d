package dev.nemotron4j.server;

import com.sun.net.httpserver.HttpServer;
import dev.nemotron4j.NemotronModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link OpenAiHandler} on the JDK's HTTP server: one thread per request (the engine batches the
 * requests' sequences), bound to {@link ServerOptions#host()}. {@link #close()} stops accepting, waits
 * for the requests in flight (at most {@code DRAIN_SECONDS}), and leaves the model to its owner.
 */
public final class OpenAiServer implements AutoCloseable {
    private static final int DRAIN_SECONDS = 30;

    private final HttpServer http;
    private final OpenAiHandler handler;
    private final ExecutorService workers;
    private final AtomicBoolean closed = new AtomicBoolean();

    private OpenAiServer(HttpServer http, OpenAiHandler handler, ExecutorService workers) {
        this.http = http;
        this.handler = handler;
        this.workers = workers;
    }

    /** Binds and starts serving {@code model}; returns once the socket accepts connections. */
    public static OpenAiServer start(NemotronModel model, ServerOptions options) {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + options.host() + ":" + options.port(), e);
        }
        ExecutorService workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "nemotron4j-http");
            t.setDaemon(true);
            return t;
        });
        OpenAiHandler handler = new OpenAiHandler(model, options);
        http.createContext("/", handler);
        http.setExecutor(workers);
        http.start();
        return new OpenAiServer(http, handler, workers);
    }

    /** The port bound (the ephemeral one when the options said 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    public String host() {
        return http.getAddress().getHostString();
    }

    /** Drains the requests in flight (new ones get 503), then stops listening. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        try {
            handler.drain(Duration.ofSeconds(DRAIN_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.stop(0);
        workers.shutdownNow();
        handler.close();
    }
}
