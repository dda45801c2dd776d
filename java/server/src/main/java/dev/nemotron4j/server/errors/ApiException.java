package dev.nemotron4j.server.errors;

/**
 * A request that fails with an OpenAI-style error object: the HTTP status, OpenAI's error {@code type},
 * the offending parameter (or null) and a short code (or null). Routes throw it; {@code OpenAiHandler}
 * writes it with {@link ErrorBody}.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;

    public ApiException(int status, String type, String message, String param, String code) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** 400: a malformed body or a parameter out of range (vLLM's BadRequestError). */
    public static ApiException badRequest(String message, String param) {
        return new ApiException(400, "BadRequestError", message, param, null);
    }

    /** 404 for a model this server does not serve (vLLM's NotFoundError). */
    /** Refuses a request that names a model other than the served one (no name: the served one). */
    public static void requireServedModel(String requested, String served) {
        if (requested != null && !requested.equals(served)) {
            throw modelNotFound(requested);
        }
    }

    public static ApiException modelNotFound(String model) {
        return new ApiException(404, "NotFoundError", "The model `" + model + "` does not exist.", "model",
                "model_not_found");
    }

    public static ApiException notFound(String path) {
        return new ApiException(404, "NotFoundError", "no route for " + path, null, null);
    }

    public static ApiException methodNotAllowed(String method, String path) {
        return new ApiException(405, "MethodNotAllowed", method + " is not allowed on " + path, null, null);
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "Unauthorized", "invalid or missing API key (Authorization: Bearer KEY)", null,
                "invalid_api_key");
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }
}
