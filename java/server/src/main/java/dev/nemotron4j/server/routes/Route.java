package dev.nemotron4j.server.routes;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;

/** One endpoint: its method and path, and what it does. {@code OpenAiHandler} keeps them in a table. */
public interface Route {
    String method();

    String path();

    /** Answers the request; throws {@code ApiException} for an OpenAI error object. */
    void handle(HttpExchange exchange) throws IOException;
}
