package dev.nemotron4j.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.nemotron4j.NemotronModel;
import dev.nemotron4j.server.errors.ApiException;
import dev.nemotron4j.server.errors.ErrorBody;
import dev.nemotron4j.server.routes.ChatCompletionsRoute;
import dev.nemotron4j.server.routes.CompletionsRoute;
import dev.nemotron4j.server.routes.DetokenizeRoute;
import dev.nemotron4j.server.routes.JsonBody;
import dev.nemotron4j.server.routes.MetricsRoute;
import dev.nemotron4j.server.routes.ParallelChoices;
import dev.nemotron4j.server.routes.ServedCounters;
import dev.nemotron4j.server.routes.TokenizeRoute;
import dev.nemotron4j.server.routes.HealthRoute;
import dev.nemotron4j.server.routes.ModelsRoute;
import dev.nemotron4j.server.routes.Responses;
import dev.nemotron4j.server.routes.Route;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The OpenAI-compatible API as one {@link HttpHandler}: a host service mounts it at {@code /} on its own
 * {@code HttpServer} (it reads the full request path), {@link OpenAiServer} runs it alone. Owns the route
 * table, the API-key check and turning failures into OpenAI error objects; the model stays the caller's
 * (this handler never closes it). It also owns the worker threads that run a request's choices
 * ({@code n} > 1, several prompts) side by side; {@link #close()} stops them once the host is done serving.
 */
public final class OpenAiHandler implements HttpHandler, AutoCloseable {
    private final ObjectMapper mapper = new ObjectMapper();
    private final Map<String, Route> routes = new LinkedHashMap<>();
    private static final long DRAIN_POLL_MILLIS = 20;
    /** What a 429 / 503 asks the client to wait: the queue moves within a few decode steps. */
    private static final String RETRY_AFTER_SECONDS = "1";

    private final byte[] apiKey;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    private final JsonBody body;
    /** Runs the choices of requests that ask for several; idle threads end after a minute (cached pool). */
    private final ExecutorService choiceWorkers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "nemotron4j-choice");
        t.setDaemon(true);
        return t;
    });

    /** With the default body limit ({@link ServerOptions#DEFAULT_MAX_BODY_BYTES}). */
    public OpenAiHandler(NemotronModel model, String modelName, String apiKey) {
        this(model, modelName, apiKey, ServerOptions.DEFAULT_MAX_BODY_BYTES);
    }

    public OpenAiHandler(NemotronModel model, String modelName, String apiKey, long maxBodyBytes) {
        this(model, new ServerOptions(ServerOptions.DEFAULT_HOST, 0, apiKey, modelName, maxBodyBytes));
    }

    /** As {@code options} say (the host and port are the caller's server's business). */
    public OpenAiHandler(NemotronModel model, ServerOptions options) {
        String modelName = options.modelName();
        String apiKey = options.apiKey();
        this.body = new JsonBody(mapper, options.maxBodyBytes());
        ServedCounters served = new ServedCounters();
        ParallelChoices choices = new ParallelChoices(choiceWorkers);
        for (Route route : List.of(new HealthRoute(), new ModelsRoute(mapper, modelName,
                        String.valueOf(model.directory()), model.contextLength()),
                new ChatCompletionsRoute(mapper, body, model, modelName, served, options.splitsReasoning(), choices),
                new CompletionsRoute(mapper, body, model, modelName, served, choices),
                new TokenizeRoute(mapper, body, model, modelName), new DetokenizeRoute(mapper, body, model, modelName),
                new MetricsRoute(model, modelName, served))) {
            routes.put(route.path(), route);
        }
        this.apiKey = apiKey == null || apiKey.isEmpty() ? null : ("Bearer " + apiKey).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        inFlight.incrementAndGet();
        try (exchange) {
            try {
                if (draining) {
                    throw new ApiException(503, "ServiceUnavailable", "the server is shutting down", null, null);
                }
                Route route = route(exchange);
                body.checkDeclaredLength(exchange);
                route.handle(exchange);
            } catch (UncheckedIOException e) {
                // the client went away mid-stream: the generation has unwound and freed its sequence
            } catch (IOException e) {
                // A write that failed before any response went out (not a vanished client): answer 500
                // rather than drop the connection without a word.
                if (exchange.getResponseCode() == -1) {
                    Responses.json(exchange, mapper, 500, ErrorBody.json(mapper, new ApiException(500,
                            "InternalServerError", "the response could not be written: " + e.getMessage(), null, null)));
                }
            } catch (RuntimeException e) {
                ApiException api = ErrorBody.fromRuntime(e);
                if (api.status() == 429 || api.status() == 503) {
                    exchange.getResponseHeaders().set("Retry-After", RETRY_AFTER_SECONDS);
                }
                Responses.json(exchange, mapper, api.status(), ErrorBody.json(mapper, api));
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /**
     * Refuses new requests (503) and waits until those in flight have finished, at most {@code timeout};
     * returns whether they all did. For a graceful shutdown before the host stops its server.
     */
    public boolean drain(Duration timeout) throws InterruptedException {
        draining = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(DRAIN_POLL_MILLIS);
        }
        return true;
    }

    /**
     * Stops the choice workers: call it after {@link #drain} (a request still running its choices then fails
     * with 503). The host's server and the model are left to the host.
     */
    @Override
    public void close() {
        choiceWorkers.shutdown();
    }

    private Route route(HttpExchange exchange) {
        String path = exchange.getRequestURI().getPath();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        // As vLLM: only the /v1 API needs the key; /health stays open for load balancers.
        if (apiKey != null && path.startsWith("/v1") && !authorized(exchange)) {
            throw ApiException.unauthorized();
        }
        Route route = routes.get(path);
        if (route == null) {
            throw ApiException.notFound(path);
        }
        if (!route.method().equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", route.method());
            throw ApiException.methodNotAllowed(exchange.getRequestMethod(), path);
        }
        return route;
    }

    private boolean authorized(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        return header != null && MessageDigest.isEqual(apiKey, header.getBytes(StandardCharsets.UTF_8));
    }
}
