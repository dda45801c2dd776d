package dev.nemotron4j.server.errors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.CacheFullException;
import dev.nemotron4j.ContextLengthExceededException;
import dev.nemotron4j.InvalidRequestException;
import dev.nemotron4j.QueueFullException;
import dev.nemotron4j.RequestTimeoutException;

/**
 * The OpenAI error object {@code {"error": {"message", "type", "param", "code"}}}, and the table from the
 * runtime's exceptions (named by what the caller can do) to HTTP statuses.
 */
public final class ErrorBody {
    private ErrorBody() {}

    /** The runtime's exception as the API error a client sees. */
    public static ApiException fromRuntime(RuntimeException e) {
        if (e instanceof ApiException api) {
            return api;
        }
        if (e instanceof ContextLengthExceededException || e instanceof InvalidRequestException) {
            return ApiException.badRequest(e.getMessage(), null);
        }
        if (e instanceof QueueFullException || e instanceof CacheFullException) {
            return new ApiException(429, "TooManyRequests", e.getMessage(), null, null);
        }
        if (e instanceof RequestTimeoutException) {
            return new ApiException(408, "RequestTimeout", e.getMessage(), null, null);
        }
        return new ApiException(500, "InternalServerError", String.valueOf(e.getMessage()), null, null);
    }

    public static ObjectNode json(ObjectMapper mapper, ApiException e) {
        ObjectNode root = mapper.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", e.getMessage());
        error.put("type", e.type());
        error.put("param", e.param());
        error.put("code", e.code());
        return root;
    }
}
