package dev.nemotron4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nemotron4j.config.NemotronConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which device a model runs on, on the bundled tiny chat model: {@code cpu} stays on the CPU; {@code cuda}
 * and {@code auto} run on the GPU where the CUDA backend loads and otherwise fall back to the CPU (a WARNING
 * for cuda, an INFO line for auto), and the model still chats. The CUDA backend is never built on the CI
 * machine, so there these tests see the fallback; on a GPU machine with the backend they see the GPU.
 */
class NemotronModelDeviceIT {
    private static final Path MODEL = RepoPaths.model(BundledModel.NAME);
    private static final Generation GREEDY = Generation.builder().greedy().maxTokens(64).build();
    private static final String ANSWER = "2 + 2 equals **4**.";

    @TempDir
    Path tmp;

    // held here: java.util.logging keeps loggers only weakly
    private final Logger logger = Logger.getLogger(NemotronModel.class.getName());
    private final List<LogRecord> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logged) {
                logged.add(record);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void captureLog() {
        capture.setLevel(Level.ALL);
        logger.addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        logger.removeHandler(capture);
    }

    private List<String> messages(Level level) {
        synchronized (logged) {
            return logged.stream().filter(r -> r.getLevel().equals(level)).map(LogRecord::getMessage).toList();
        }
    }

    private static String reply(NemotronModel model) {
        try (ChatSession chat = model.newChat(ChatOptions.builder().system("Answer briefly.").thinking(false).build())) {
            return chat.send("What is 2+2?", GREEDY).content();
        }
    }

    @Test
    void cpuStaysOnTheCpuAndSaysNothing() {
        try (NemotronModel model = NemotronModel.load(MODEL, ModelOptions.builder().device("cpu").build())) {
            assertEquals(Device.CPU, model.device());
            assertEquals("cpu", model.deviceName());
            ModelInfo info = model.info();
            assertEquals("cpu", info.device());
            assertEquals("cpu", info.deviceName());
            assertEquals(0, info.deviceWeightBytes());
            assertEquals(ANSWER, reply(model));
        }
        assertEquals(List.of(), messages(Level.WARNING));
        assertEquals(List.of(), messages(Level.INFO));
    }

    @Test
    void cudaWithoutItsLibraryFallsBackToTheCpuWithAWarningThatSaysWhy() {
        // a library path that does not exist: the CUDA backend cannot load on any machine
        Path missing = tmp.resolve("nowhere").resolve("libnemotron_cuda.so");
        ModelOptions options = ModelOptions.builder().device("cuda").cudaLibrary(missing).build();
        try (NemotronModel model = NemotronModel.load(MODEL, options)) {
            assertEquals(Device.CPU, model.device());
            assertEquals("cpu", model.info().device());
            assertEquals(ANSWER, reply(model), "the fallback model chats as a CPU model");
        }
        List<String> warnings = messages(Level.WARNING);
        assertEquals(1, warnings.size(), warnings.toString());
        String warning = warnings.get(0);
        for (String fragment : List.of("device cuda:0", "running on the CPU", missing.toString(), "--cuda-library",
                "NEMOTRON_CUDA_LIBRARY", "device cpu")) {
            assertTrue(warning.contains(fragment), "the warning should contain \"" + fragment + "\": " + warning);
        }
    }

    @Test
    void cudaRunsOnTheGpuOrSaysWhyNot() {
        try (NemotronModel model = NemotronModel.load(MODEL, ModelOptions.builder().device("cuda:0").build())) {
            if (model.device().equals(Device.CPU)) {
                assertEquals(1, messages(Level.WARNING).size(), "the fallback is announced");
                assertTrue(messages(Level.WARNING).get(0).contains("libnemotron_cuda.so"), messages(Level.WARNING).get(0));
            } else {
                assertEquals(Device.cuda(0), model.device());
                assertTrue(model.deviceName().contains("cuda:0"), model.deviceName());
                assertTrue(model.info().deviceWeightBytes() > 0);
                assertEquals(List.of(), messages(Level.WARNING));
            }
            assertEquals(ANSWER, reply(model));
        }
    }

    @Test
    void autoFallsBackQuietly() {
        // bfloat16 SSM state: the CUDA backend refuses it, so auto runs on the CPU on every machine
        ModelOptions options = ModelOptions.builder().device(Device.AUTO).ssmStateDtype(SsmStateDtype.BFLOAT16).build();
        try (NemotronModel model = NemotronModel.load(MODEL, options)) {
            assertEquals(Device.CPU, model.device());
            assertEquals(ANSWER, reply(model));
        }
        assertEquals(List.of(), messages(Level.WARNING));
        List<String> notes = messages(Level.INFO);
        assertEquals(1, notes.size(), notes.toString());
        assertTrue(notes.get(0).startsWith("device auto: running on the CPU"), notes.get(0));
    }

    @Test
    void randomWeightsFallBackToo() {
        NemotronConfig config = NemotronConfig.read(MODEL);
        ModelOptions options = ModelOptions.builder().device("cuda:1").cudaLibrary(tmp.resolve("missing.so")).build();
        try (NemotronModel model = NemotronModel.createRandom(config, 7, options); Sequence s = model.newSequence()) {
            assertEquals(Device.CPU, model.device());
            assertEquals(config.vocabSize(), s.feed(1, 2, 3).length);
        }
        assertEquals(1, messages(Level.WARNING).size());
        assertTrue(messages(Level.WARNING).get(0).startsWith("device cuda:1 "), messages(Level.WARNING).get(0));
    }
}
