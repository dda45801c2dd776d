package dev.nemotron4j.server.routes;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;

/** {@code GET /health}: 200 with an empty body once the model is loaded (as vLLM). */
public final class HealthRoute implements Route {
    @Override
    public String method() {
        return "GET";
    }

    @Override
    public String path() {
        return "/health";
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        exchange.sendResponseHeaders(200, -1);
        exchange.close();
    }
}
