package dev.nemotron4j.server;

import java.util.Objects;

/**
 * How {@link OpenAiServer} listens and what it answers to.
 *
 * @param host      the address to bind; loopback by default, as a server without TLS should
 * @param port      the TCP port; 0 = an ephemeral one ({@link OpenAiServer#port()} says which)
 * @param apiKey    the Bearer key every {@code /v1} request must carry, or null for none (as vLLM's --api-key)
 * @param modelName the served model's name in {@code /v1/models} and the {@code model} field
 * @param maxBodyBytes the largest request body read; a larger one gets 413 without being read
 */
public record ServerOptions(String host, int port, String apiKey, String modelName, long maxBodyBytes) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8000;
    /** 4 MiB: a full 128 K-token context as JSON token ids, with room to spare. */
    public static final long DEFAULT_MAX_BODY_BYTES = 4L << 20;

    /** With the default body limit. */
    public ServerOptions(String host, int port, String apiKey, String modelName) {
        this(host, port, apiKey, modelName, DEFAULT_MAX_BODY_BYTES);
    }

    public ServerOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(modelName, "modelName");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be at least 1, got " + maxBodyBytes);
        }
        if (apiKey != null && apiKey.isEmpty()) {
            apiKey = null;
        }
    }
}
