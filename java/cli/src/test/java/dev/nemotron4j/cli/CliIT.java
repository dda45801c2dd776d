package dev.nemotron4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, run with {@code java -jar} from an unrelated folder, as a user would. */
class CliIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path elsewhere;

    private record Run(int exit, String out, String err) {
        String lastLine() {
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    private Run run(String... args) throws IOException, InterruptedException {
        return runWithInput("", args);
    }

    private Run runWithInput(String input, String... args) throws IOException, InterruptedException {
        // user.home points into the temp folder: the bundled model's extraction cache stays there
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + elsewhere.resolve("home"), "-jar", System.getProperty("nemotron4j.jar")));
        command.addAll(List.of(args));
        Files.writeString(elsewhere.resolve("in.txt"), input);
        Process p = new ProcessBuilder(command).directory(elsewhere.toFile())
                .redirectInput(elsewhere.resolve("in.txt").toFile())
                .redirectOutput(elsewhere.resolve("out.txt").toFile())
                .redirectError(elsewhere.resolve("err.txt").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the command finished");
        return new Run(p.exitValue(), Files.readString(elsewhere.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(elsewhere.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    private static String model(String name) {
        return Path.of(System.getProperty("nemotron4j.repo"), "models", name).toString();
    }

    @Test
    void verifyPassesWithJsonLastLine() throws Exception {
        Run r = run("verify", "--model", model("tiny-a"), "--golden", model("tiny-a"), "--json");
        assertEquals(0, r.exit(), r.out() + r.err());
        JsonNode report = JSON.readTree(r.lastLine());
        assertEquals("tiny-a", report.get("model").asText());
        assertTrue(report.get("pass").asBoolean());
        assertEquals(40, report.get("greedy_match").asInt());
        assertEquals(40, report.get("greedy_total").asInt());
        assertTrue(report.get("max_rel_err").asDouble() <= 1e-4);
        assertEquals(11, report.get("cases").size(), "5 prefill cases, each also in pieces, and greedy");
        assertEquals("rel err", report.get("metric").asText());
        assertEquals(1e-4, report.get("tolerance").asDouble());
        assertTrue(report.get("greedy_tokens_required").asBoolean());
        assertFalse(report.has("hidden_states_skipped"), "the CPU traces the residual stream");
        assertTrue(r.out().startsWith("verify ") && r.out().lines().findFirst().orElseThrow().endsWith("(tolerance 1e-04)"),
                r.out());
        assertTrue(r.out().contains("hidden states of "), r.out());
        assertTrue(r.out().contains("greedy tokens 40/40, max rel err "), r.out());
    }

    @Test
    void verifyWhereCudaCannotBeUsedIsTheCpuCheck() throws Exception {
        // the model falls back to the CPU: the CPU's bound and hidden states, whatever the GPU activations
        String missing = elsewhere.resolve("libnemotron_cuda.so").toString();
        Run r = run("verify", "--model", model("tiny-a"), "--device", "cuda", "--cuda-library", missing,
                "--gpu-activations", "f32", "--json");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("WARNING: device cuda:0 was asked for but cannot be used"), r.err());
        JsonNode report = JSON.readTree(r.lastLine());
        assertEquals("rel err", report.get("metric").asText());
        assertEquals(1e-4, report.get("tolerance").asDouble());
        assertTrue(r.out().contains("hidden states of "), r.out());
    }

    @Test
    void verifyFailsWithExitCodeOneAgainstTheWrongGolden() throws Exception {
        Run r = run("verify", "--model", model("tiny-a"), "--golden", model("tiny-a-bf16") + "/golden.json", "--json");
        assertEquals(1, r.exit(), r.out() + r.err());
        assertFalse(JSON.readTree(r.lastLine()).get("pass").asBoolean());
        assertTrue(r.out().contains("FAIL"));
    }

    @Test
    void withoutModelTheBundledModelIsUsed() throws Exception {
        Run r = run("verify", "--json");
        assertEquals(0, r.exit(), r.out() + r.err());
        JsonNode report = JSON.readTree(r.lastLine());
        assertEquals("nemotron-h-tiny-chat", report.get("model").asText());
        assertTrue(report.get("pass").asBoolean());
        assertTrue(Files.isRegularFile(elsewhere.resolve("home/.cache/nemotron4j").resolve(
                Files.list(elsewhere.resolve("home/.cache/nemotron4j")).findFirst().orElseThrow().getFileName())
                .resolve("nemotron-h-tiny-chat/model.safetensors")), "extracted once into the cache");
        assertEquals(0, run("info").exit(), "the second run reuses the extracted copy");
    }

    @Test
    void generateRunsTheSeedScenarioWithABudget() throws Exception {
        Run r = run("generate", "--system", "Answer the question. /think", "--prompt", "Compute 9 times 8.",
                "--temperature", "0", "--thinking-budget", "8", "--json");
        assertEquals(0, r.exit(), r.out() + r.err());
        JsonNode reply = JSON.readTree(r.lastLine());
        assertEquals("The user asks for.", reply.get("reasoning").asText());
        assertEquals("9 * 8 equals **72**.", reply.get("content").asText());
        assertEquals("stop", reply.get("finish_reason").asText());
        assertEquals(50, reply.get("usage").get("prompt_tokens").asInt());
        assertEquals(8 + 5 + 19, reply.get("usage").get("completion_tokens").asInt());
        Run streamed = run("generate", "--system", "You are a helpful assistant. /no_think", "--prompt", "What is 2+2?",
                "--temperature", "0");
        assertEquals(0, streamed.exit(), streamed.err());
        assertTrue(streamed.out().contains("2 + 2 equals **4**."), streamed.out());
        assertFalse(streamed.out().contains("[reasoning]"), "no reasoning with /no_think");
    }

    @Test
    void chatAnswersAndReusesTheConversation() throws Exception {
        Run r = runWithInput("/think\nWhat is 2+2?\n/budget 8\nWhat is 7+5?\n/bogus budget\n/exit\n", "chat",
                "--temperature", "0");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("2 + 2 equals **4**."), r.out());
        assertTrue(r.out().contains("(thinking budget 8 tokens)"), r.out());
        assertTrue(r.out().contains("unknown command /bogus"), r.out());
        assertTrue(r.out().matches("(?s).*\\(\\d+ prompt tokens, [1-9]\\d* reused.*"), "the second turn reuses the first: " + r.out());
    }

    @Test
    void infoDescribesTheModel() throws Exception {
        Run r = run("info", "--model", model("nemotron-h-tiny-chat"), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode info = JSON.readTree(r.lastLine());
        assertEquals("M-M*M-M-", info.get("layerPattern").asText());
        assertEquals(1_451_272, info.get("parameters").asLong());
        assertEquals(4, info.get("layerCounts").get("mamba").asInt());
        // 4 Mamba layers × (conv 3 × (192 + 2·2·32) + SSM 6·32·32) floats
        assertEquals(4L * (3 * (192 + 128) + 6 * 32 * 32) * 4, info.get("stateBytesPerSequence").asLong());
        assertEquals(2L * 2 * 48 * 4, info.get("kvBytesPerToken").asLong());
        Run table = run("info", "--model", model("tiny-a"));
        assertTrue(table.out().contains("M-*-MM*-M-"), table.out());
    }

    @Test
    void infoSaysWhichDeviceAndCudaFallsBackToTheCpuWithAWarning() throws Exception {
        Run cpu = run("info", "--json");
        assertEquals(0, cpu.exit(), cpu.err());
        JsonNode onCpu = JSON.readTree(cpu.lastLine());
        assertEquals("cpu", onCpu.get("device").asText());
        assertEquals("cpu", onCpu.get("deviceName").asText());
        assertEquals(0, onCpu.get("deviceWeightBytes").asLong());
        assertFalse(cpu.err().contains("WARNING"), cpu.err());
        assertTrue(run("info").out().contains("device           cpu, 0 B of weights in device memory"));

        // a backend library that does not exist: CUDA cannot be used on any machine
        String missing = elsewhere.resolve("libnemotron_cuda.so").toString();
        Run cuda = run("info", "--device", "cuda", "--cuda-library", missing, "--json");
        assertEquals(0, cuda.exit(), cuda.err());
        assertEquals("cpu", JSON.readTree(cuda.lastLine()).get("device").asText());
        assertTrue(cuda.err().startsWith("WARNING: device cuda:0 was asked for but cannot be used; running on the CPU"),
                cuda.err());
        assertTrue(cuda.err().contains(missing), cuda.err());

        Run generate = run("generate", "--device", "cuda:1", "--cuda-library", missing, "--prompt", "What is 2+2?",
                "--system", "/no_think", "--temperature", "0", "--json");
        assertEquals(0, generate.exit(), generate.err());
        assertTrue(generate.err().contains("WARNING: device cuda:1"), generate.err());
        assertFalse(JSON.readTree(generate.lastLine()).get("content").asText().isEmpty(), generate.out());
    }

    @Test
    void errorsAreOneReadableLine() throws Exception {
        Run r = run("info", "--model", elsewhere.resolve("no-such-model").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("error: "), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace for a user error");
        Run usage = run("verify", "--bogus");
        assertEquals(2, usage.exit(), "an unknown option is a usage error");
        assertTrue(usage.err().contains("--bogus"), usage.err());
        Run device = run("info", "--device", "gpu");
        assertEquals(2, device.exit(), "a bad device is a usage error");
        assertTrue(device.err().contains("device must be cpu, cuda, cuda:N or auto, got 'gpu'"), device.err());
        Run activations = run("info", "--gpu-activations", "fp16");
        assertEquals(2, activations.exit(), "bad GPU activations are a usage error");
        assertTrue(activations.err().contains("gpu activations must be bf16 or f32, got 'fp16'"), activations.err());
    }

    /**
     * {@code serve} with a vLLM command line's flags: it listens on loopback, honours --max-body-bytes,
     * and on SIGTERM says it drains, then exits.
     */
    @Test
    void serveTakesVllmFlagsAndItsBodyLimitAndStopsOnSigterm() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + elsewhere.resolve("home"), "-jar", System.getProperty("nemotron4j.jar"), "serve",
                "--port", "0", "--trust-remote-code", "--mamba_ssm_cache_dtype", "float32", "--max-num-seqs", "4", "--max-model-len", "2048",
                "--max-body-bytes", "512"));
        Path err = elsewhere.resolve("serve-err.txt");
        Process p = new ProcessBuilder(command).directory(elsewhere.toFile())
                .redirectOutput(elsewhere.resolve("serve-out.txt").toFile()).redirectError(err.toFile()).start();
        try {
            java.util.regex.Matcher port = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && p.isAlive()) {
                port = java.util.regex.Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+)").matcher(Files.readString(err));
                if (port.find()) {
                    break;
                }
                port = null;
                Thread.sleep(50);
            }
            assertTrue(port != null, "serve printed where it listens: " + Files.readString(err));
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + port.group(1);
            String small = "{\"messages\":[{\"role\":\"user\",\"content\":\"What is 2+2?\"}],\"max_tokens\":4}";
            var ok = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/v1/chat/completions"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(small)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode(), ok.body());
            String large = small.replace("What is 2+2?", "x".repeat(600));
            var tooLarge = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/v1/chat/completions"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(large)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(413, tooLarge.statusCode(), tooLarge.body());
            assertTrue(tooLarge.body().contains("512"), "the error names the limit: " + tooLarge.body());
        } finally {
            p.destroy();  // SIGTERM: the shutdown hook drains, then the model closes
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "serve stopped");
        }
        // 143 = 128 + SIGTERM: the JVM's status for a terminated process, once the shutdown hooks have run
        assertEquals(143, p.exitValue(), Files.readString(err));
        assertTrue(Files.readString(err).contains("shutting down"), Files.readString(err));
    }

    @Test
    void helpExplainsEachCommand() throws Exception {
        Run r = run("--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("verify") && r.out().contains("info"));
        Run verify = run("verify", "--help");
        assertTrue(verify.out().contains("--golden") && verify.out().contains("1e-4"), verify.out());
        assertTrue(verify.out().contains("--gpu-activations") && verify.out().contains("2e-2"), verify.out());
        Run serve = run("serve", "--help");
        assertTrue(serve.out().contains("--max-body-bytes") && serve.out().contains("/v1/completions"), serve.out());
    }
}
