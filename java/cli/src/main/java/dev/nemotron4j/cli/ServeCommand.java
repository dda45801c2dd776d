package dev.nemotron4j.cli;

import dev.nemotron4j.NemotronModel;
import dev.nemotron4j.server.OpenAiServer;
import dev.nemotron4j.server.ServerOptions;
import dev.nemotron4j.server.StatsLog;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nemotron4j serve}: the OpenAI-compatible server, a drop-in for {@code vllm serve}. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the model over an OpenAI-compatible HTTP API, as `vllm serve`: POST /v1/chat/completions "
                + "and /v1/completions (streamed with \"stream\": true), GET /v1/models, GET /health, GET /metrics "
                + "(Prometheus), POST /tokenize and /detokenize. Without a reasoning parser the reasoning, </think> and "
                + "the answer are all the message content, exactly as generated (as vLLM returns them); with "
                + "--reasoning-parser nemotron the reasoning is returned as reasoning_content and reasoning. "
                + "Listens on loopback unless --host says otherwise. Ctrl-C finishes the requests in flight (new "
                + "ones get 503), then stops."},
        footer = {"", "Example:", "  nemotron4j serve --model models/NVIDIA-Nemotron-Nano-9B-v2 --port 8000",
                "  curl http://127.0.0.1:8000/v1/chat/completions -H 'Content-Type: application/json' \\",
                "    -d '{\"messages\":[{\"role\":\"user\",\"content\":\"What is 2+2?\"}],\"max_tokens\":64}'"})
final class ServeCommand implements Callable<Integer> {
    private static final int SHUTDOWN_WAIT_SECONDS = 10;
    /** vLLM logs its engine stats every 10 s. */
    private static final java.time.Duration STATS_INTERVAL = java.time.Duration.ofSeconds(10);

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelOption model;

    @Option(names = "--host", defaultValue = ServerOptions.DEFAULT_HOST, paramLabel = "ADDRESS",
            description = "address to listen on (default ${DEFAULT-VALUE}, loopback only; 0.0.0.0 for every interface)")
    String host;

    @Option(names = "--port", defaultValue = "8000", paramLabel = "PORT",
            description = "TCP port (default ${DEFAULT-VALUE}; 0 = any free one)")
    int port;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "require \"Authorization: Bearer KEY\" on every /v1 request (default: $NEMOTRON4J_API_KEY, else none)")
    String apiKey;

    @Option(names = "--served-model-name", paramLabel = "NAME",
            description = "the model name clients send and /v1/models lists (default: the model folder's name)")
    String servedModelName;

    @Option(names = "--reasoning-parser", paramLabel = "NAME",
            description = "split the reasoning out of the content, returned as reasoning_content and reasoning "
                    + "(as vLLM's): nemotron (alias nano_v2). Default: none, the whole text is the content")
    String reasoningParser;

    @Option(names = "--tool-call-parser", paramLabel = "NAME",
            description = "accepted for vLLM compatibility (nemotron); tool calls are parsed whenever a request "
                    + "gives tools")
    String toolCallParser;

    @Option(names = "--enable-auto-tool-choice",
            description = "accepted for vLLM compatibility; tool_choice \"auto\" always works")
    boolean enableAutoToolChoice;

    @Option(names = "--trust-remote-code",
            description = "accepted for vLLM compatibility; no code from the model folder is ever run")
    boolean trustRemoteCode;

    @Option(names = "--max-body-bytes", defaultValue = "" + ServerOptions.DEFAULT_MAX_BODY_BYTES, paramLabel = "BYTES",
            description = "largest request body read; a larger one is answered 413 unread (default ${DEFAULT-VALUE}, "
                    + "4 MiB: a full context as token ids fits)")
    long maxBodyBytes;

    @Override
    public Integer call() throws Exception {
        Path directory = model.directory();
        String name = servedModelName != null ? servedModelName : directory.getFileName().toString();
        String key = apiKey != null ? apiKey : System.getenv("NEMOTRON4J_API_KEY");
        if (reasoningParser != null && !ServerOptions.REASONING_PARSERS.contains(reasoningParser)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--reasoning-parser must be one of " + ServerOptions.REASONING_PARSERS + ", got " + reasoningParser);
        }
        if (toolCallParser != null && !toolCallParser.equals("nemotron")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--tool-call-parser must be nemotron, got " + toolCallParser);
        }
        if (maxBodyBytes < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--max-body-bytes must be at least 1, got " + maxBodyBytes);
        }
        ServerOptions options = new ServerOptions(host, port, key, name, maxBodyBytes)
                .withReasoningParser(reasoningParser);
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        try (NemotronModel m = NemotronModel.load(directory, model.options());
                OpenAiServer server = OpenAiServer.start(m, options);
                StatsLog stats = StatsLog.start(m, STATS_INTERVAL, line -> System.err.println("nemotron4j serve: " + line))) {
            // Ctrl-C: drain the server, then let this thread close the model before the JVM halts.
            Thread hook = new Thread(() -> {
                System.err.println("nemotron4j serve: shutting down (finishing requests in flight)");
                server.close();
                stopped.countDown();
                awaitQuietly(closed);
            }, "nemotron4j-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            System.err.println("nemotron4j serve: " + name + " on http://" + host + ":" + server.port()
                    + " (device " + m.deviceName() + ")");
            stopped.await();
        } finally {
            closed.countDown();
        }
        return 0;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(SHUTDOWN_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
