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
 * @param reasoningParser vLLM's {@code --reasoning-parser}: null = none (the reasoning stays in the content),
 *                  {@code "nemotron"} (or NVIDIA's plugin name {@code "nano_v2"}) = split out as
 *                  {@code reasoning_content} / {@code reasoning}
 */
public record ServerOptions(String host, int port, String apiKey, String modelName, long maxBodyBytes,
        String reasoningParser) {
    /** The {@code --reasoning-parser} names understood; all split at {@code </think>}. */
    public static final java.util.Set<String> REASONING_PARSERS = java.util.Set.of("nemotron", "nano_v2");
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8000;
    /** 4 MiB: a full 128 K-token context as JSON token ids, with room to spare. */
    public static final long DEFAULT_MAX_BODY_BYTES = 4L << 20;

    /** With the default body limit. */
    public ServerOptions(String host, int port, String apiKey, String modelName) {
        this(host, port, apiKey, modelName, DEFAULT_MAX_BODY_BYTES);
    }

    /** Without a reasoning parser. */
    public ServerOptions(String host, int port, String apiKey, String modelName, long maxBodyBytes) {
        this(host, port, apiKey, modelName, maxBodyBytes, null);
    }

    /** These options with {@code reasoningParser} (null = none). */
    public ServerOptions withReasoningParser(String parser) {
        return new ServerOptions(host, port, apiKey, modelName, maxBodyBytes, parser);
    }

    /** These options with another body limit. */
    public ServerOptions withMaxBodyBytes(long bytes) {
        return new ServerOptions(host, port, apiKey, modelName, bytes, reasoningParser);
    }

    /** Whether the reasoning is split out of the content. */
    public boolean splitsReasoning() {
        return reasoningParser != null;
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
        if (reasoningParser != null && !REASONING_PARSERS.contains(reasoningParser)) {
            throw new IllegalArgumentException("reasoningParser must be one of " + new java.util.TreeSet<>(
                    REASONING_PARSERS) + " or null, got " + reasoningParser);
        }
        if (apiKey != null && apiKey.isEmpty()) {
            apiKey = null;
        }
    }
}
