package dev.nemotron4j.server.routes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.nemotron4j.server.errors.ApiException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reading a request body as JSON, at most {@code maxBytes}: a larger declared {@code Content-Length} is
 * refused with 413 before a byte is read, and a chunked body is cut off at the limit (also 413).
 */
public final class JsonBody {
    private final ObjectMapper mapper;
    private final long maxBytes;

    public JsonBody(ObjectMapper mapper, long maxBytes) {
        this.mapper = mapper;
        this.maxBytes = maxBytes;
    }

    /** Throws 413 when the declared length is over the limit (the handler checks every request with it). */
    public void checkDeclaredLength(HttpExchange exchange) {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length == null) {
            return;
        }
        long declared;
        try {
            declared = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid Content-Length: " + length, null);
        }
        if (declared > maxBytes) {
            throw tooLarge();
        }
    }

    /** The body as a JSON object; anything else is a 400. */
    public JsonNode readObject(HttpExchange exchange) throws IOException {
        JsonNode request = read(exchange);
        if (request == null || !request.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object", null);
        }
        return request;
    }

    public JsonNode read(HttpExchange exchange) throws IOException {
        checkDeclaredLength(exchange);
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        }
        if (bytes.length > maxBytes) {
            throw tooLarge();
        }
        try {
            return mapper.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("invalid JSON: " + e.getOriginalMessage(), null);
        }
    }

    private ApiException tooLarge() {
        return new ApiException(413, "RequestEntityTooLarge",
                "the request body is over the server's limit of " + maxBytes + " bytes", null, null);
    }
}
