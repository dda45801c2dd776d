package dev.nemotron4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.Device;
import dev.nemotron4j.EngineOptions;
import dev.nemotron4j.Generation;
import dev.nemotron4j.GpuActivations;
import dev.nemotron4j.MachineLimits;
import dev.nemotron4j.ModelOptions;
import dev.nemotron4j.NemotronModel;
import dev.nemotron4j.config.NemotronConfig;
import dev.nemotron4j.engine.Engine;
import dev.nemotron4j.engine.EngineSequence;
import dev.nemotron4j.generation.SampledToken;
import dev.nemotron4j.generation.SamplingStep;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nemotron4j bench}: the engine's speed on a model folder or on random weights of a named shape,
 * every figure next to the limit measured in the same run. Prefill: one request per prompt length,
 * timed to its first token. Decode: N concurrent requests, each with a short prompt, timed from when all
 * have their first token until all have drawn their tokens; the engine batches them as it would any
 * concurrent clients.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure prefill (tokens/s and time to first token for 128…4096-token prompts) and decode "
                + "(tokens/s per sequence and in total at concurrency 1, 4, 16, 64) through the engine, with this "
                + "machine's limits measured in the same run and each figure as a ratio to its limit.",
                "Runs on a model folder (--model) or on random bf16 weights of a named shape generated in memory "
                        + "(--shape tiny|0.5b|9b, or --config FILE for any config.json).",
                "Limits: read bandwidth (the decode limit: weight bytes per token / read GB/s), copy bandwidth, the "
                        + "float32 FMA peak, and the GEMM peak (this build's bf16 prefill GEMM at 4096 x 4096 x 512, "
                        + "the prefill limit); prefill is also given against the FMA peak.",
                "With --json the last line is one JSON object (decode_c1_tok_s, decode_c1_bandwidth_ratio, "
                        + "decode_c16_over_c1, prefill_1024_tok_s, prefill_1024_gemm_ratio, …)."},
        footer = {"", "Examples:", "  nemotron4j bench --shape 0.5b --quick --json",
                "  nemotron4j bench --model ~/models/NVIDIA-Nemotron-Nano-9B-v2 --prompts 512,2048 --concurrency 1,8"})
final class BenchCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Option(names = "--shape", paramLabel = "NAME", description = "random weights of a named shape: tiny, 0.5b, 9b")
    String shape;

    @Option(names = "--config", paramLabel = "FILE", description = "random weights of the shape a config.json gives")
    Path configFile;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "seed of the random weights and prompts")
    long seed;

    @Option(names = "--prompts", split = ",", paramLabel = "N,N,…",
            description = "prompt lengths to prefill (default 128,512,1024,2048,4096)")
    List<Integer> prompts;

    @Option(names = "--concurrency", split = ",", paramLabel = "N,N,…",
            description = "concurrent decoding requests (default 1,4,16,64)")
    List<Integer> concurrency;

    @Option(names = "--decode-tokens", defaultValue = "32", paramLabel = "N",
            description = "tokens each decoding request draws while timed (default ${DEFAULT-VALUE})")
    int decodeTokens;

    @Option(names = "--quick", description = "prompts 128,1024 and concurrency 1,16 only: about half a minute on "
            + "the 0.5b shape on a 2-core machine")
    boolean quick;

    @Option(names = "--json", description = "print one JSON object as the last line")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private static final int DECODE_PROMPT = 16;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Integer> promptLengths = prompts != null ? prompts : quick ? List.of(128, 1024) : List.of(128, 512, 1024, 2048, 4096);
        List<Integer> levels = concurrency != null ? concurrency : quick ? List.of(1, 16) : List.of(1, 4, 16, 64);
        int tokens = decodeTokens;
        if (promptLengths.stream().anyMatch(n -> n < 1) || levels.stream().anyMatch(n -> n < 1) || tokens < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--prompts, --concurrency and --decode-tokens take positive numbers");
        }
        if (shape != null && configFile != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give --shape or --config, not both");
        }
        ProgressBar progress = ProgressBar.stepsOnStderr("bench");
        int totalSteps = 2 + promptLengths.size() + levels.size();
        int done = 0;

        NemotronConfig config = shape != null ? BenchShapes.config(shape)
                : configFile != null ? NemotronConfig.parse(Files.readString(configFile), configFile.toString()) : null;
        int maxLevel = levels.stream().max(Integer::compare).orElse(1);
        int maxPrompt = promptLengths.stream().max(Integer::compare).orElse(1);
        Map<String, Object> result = new LinkedHashMap<>();
        try (NemotronModel m = open(config, maxLevel, maxPrompt, tokens)) {
            NemotronConfig c = m.config();
            ModelCost cost = ModelCost.of(c);
            Engine engine = m.engine();
            Random random = new Random(seed);
            run(engine, randomPrompt(random, c, 8), 8);  // pages in the weights, starts and warms the engine
            // Measured twice (here and at the end), keeping the best: a burst of other work (the JIT
            // compiler early on) must not lower a limit and flatter the ratios.
            MachineLimits limits = MachineLimits.measure(model.threads);
            out.printf("machine: %d threads, read %.1f GB/s, copy %.1f GB/s, FMA peak %.0f GFLOP/s, bf16 GEMM peak %.0f "
                    + "GFLOP/s%n", limits.threads(), limits.readGbPerS(), limits.copyGbPerS(), limits.fmaGflopPerS(),
                    limits.gemmGflopPerS());
            double bytesPerWeight = bytesPerWeight(m);
            double tokenBytes = cost.decodeBytes(bytesPerWeight);
            progress.update(++done, totalSteps);
            String name = shape != null ? "shape " + shape : configFile != null ? configFile.toString()
                    : String.valueOf(m.directory());
            boolean onGpu = m.device().kind() == Device.Kind.CUDA;
            String activations = m.gpuActivations() == GpuActivations.FLOAT32 ? "f32" : "bf16";
            out.printf("model: %s (%s) on %s%s, %s dense weights read per decode token%n", name, c.layerPattern(),
                    m.deviceName(), onGpu ? " with " + activations + " activations" : "", Units.bytes((long) tokenBytes));
            result.put("model", name);
            result.put("device", m.device().toString());
            if (onGpu) {
                result.put("gpu_activations", activations);
                // The limits measured here are the host CPU's; the GPU's are bench_cuda_model's (ci/gpu-check.sh).
                out.printf("note: the ratios below are to this host CPU's limits, not the GPU's; "
                        + "native/bench/bench_cuda_model measures the GPU against its own (ci/gpu-check.sh)%n");
            }
            result.put("weight_bytes_per_token", (long) tokenBytes);

            List<Double> prefillGflops = new ArrayList<>();
            for (int n : promptLengths) {
                if (n >= c.maxPositionEmbeddings()) {
                    out.printf("prefill %5d: skipped (the context is %d)%n", n, c.maxPositionEmbeddings());
                    progress.update(++done, totalSteps);
                    continue;
                }
                long t0 = System.nanoTime();
                run(engine, randomPrompt(random, c, n), 1);
                double seconds = (System.nanoTime() - t0) / 1e9;
                double tokS = n / seconds;
                double gflops = cost.prefillFlops(n) / seconds / 1e9;
                out.printf("prefill %5d tokens: %9.1f tok/s, first token after %8.1f ms, dense layers at %6.1f GFLOP/s%n",
                        n, tokS, seconds * 1e3, gflops);
                result.put("prefill_" + n + "_tok_s", tokS);
                result.put("ttft_" + n + "_ms", seconds * 1e3);
                result.put("prefill_" + n + "_gflop_s", gflops);
                progress.update(++done, totalSteps);
            }
            Map<Integer, Double> decodeTotals = new LinkedHashMap<>();
            for (int level : levels) {
                double total = decode(engine, c, level, tokens, random);
                out.printf("decode c=%-3d %9.1f tok/s in total, %8.2f per sequence%n", level, total, total / level);
                decodeTotals.put(level, total);
                progress.update(++done, totalSteps);
            }
            limits = best(limits, MachineLimits.measure(model.threads));
            progress.update(++done, totalSteps);
            out.printf("limits (best of two measurements): read %.1f GB/s, copy %.1f GB/s, FMA peak %.0f GFLOP/s, "
                    + "bf16 GEMM peak %.0f GFLOP/s%n", limits.readGbPerS(), limits.copyGbPerS(), limits.fmaGflopPerS(),
                    limits.gemmGflopPerS());
            for (int n : promptLengths) {
                Object g = result.get("prefill_" + n + "_gflop_s");
                if (g instanceof Double gflops) {
                    out.printf("prefill %5d: dense layers at %4.0f %% of the GEMM peak, %4.0f %% of the FMA peak%n", n,
                            100 * gflops / limits.gemmGflopPerS(), 100 * gflops / limits.fmaGflopPerS());
                    result.put("prefill_" + n + "_gemm_ratio", gflops / limits.gemmGflopPerS());
                    result.put("prefill_" + n + "_fma_ratio", gflops / limits.fmaGflopPerS());
                }
            }
            for (var e : decodeTotals.entrySet()) {
                int level = e.getKey();
                double total = e.getValue();
                double bandwidth = total / level * tokenBytes / 1e9 / limits.readGbPerS();
                double fma = total * cost.decodeFlops() / 1e9 / limits.fmaGflopPerS();
                out.printf("decode c=%-3d weights read at %4.0f %% of the read bandwidth per sequence, dense layers at "
                        + "%4.0f %% of the FMA peak%n", level, 100 * bandwidth, 100 * fma);
                result.put("decode_c" + level + "_tok_s", total);
                result.put("decode_c" + level + "_per_seq_tok_s", total / level);
                result.put("decode_c" + level + "_bandwidth_ratio", bandwidth);
                result.put("decode_c" + level + "_fma_ratio", fma);
            }
            result.put("threads", limits.threads());
            result.put("read_gb_s", limits.readGbPerS());
            result.put("copy_gb_s", limits.copyGbPerS());
            result.put("fma_gflop_s", limits.fmaGflopPerS());
            result.put("gemm_gflop_s", limits.gemmGflopPerS());
            if (result.containsKey("decode_c1_tok_s") && result.containsKey("decode_c16_tok_s")) {
                double ratio = (double) result.get("decode_c16_tok_s") / (double) result.get("decode_c1_tok_s");
                result.put("decode_c16_over_c1", ratio);
                out.printf("decode c=16 / c=1: %.2f× (bounded here by FMA peak / read bandwidth = %.2f×)%n", ratio,
                        limits.fmaGflopPerS() / limits.readGbPerS());
            }
        }
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(result));
        }
        out.flush();
        return 0;
    }

    /** The model, with a cache big enough for the largest concurrency and prompt, and no prefix reuse. */
    private NemotronModel open(NemotronConfig config, int maxLevel, int maxPrompt, int tokens) {
        NemotronConfig sizing = config != null ? config : NemotronConfig.read(model.directory());
        ModelCost cost = ModelCost.of(sizing);
        int slots = maxLevel + 2;
        long kvTokens = (long) maxLevel * (DECODE_PROMPT + tokens + 32) + maxPrompt + 64;
        long bytes = slots * cost.stateBytesPerSequence() + 2 * kvTokens * cost.kvBytesPerToken() + (64L << 20);
        EngineOptions engine = model.engine.options().toBuilder().prefixCache(false).stateSlots(slots)
                .cacheMemory(Math.max(bytes, model.engine.options().cacheMemory())).maxRunning(maxLevel).build();
        ModelOptions options = model.options().toBuilder().engine(engine).build();
        if (config != null) {
            return NemotronModel.createRandom(config, seed, options);
        }
        return NemotronModel.load(model.directory(), options);
    }

    private static double bytesPerWeight(NemotronModel m) {
        var info = m.info();
        return info.parameters() > 0 ? (double) info.weightBytes() / info.parameters() : 2.0;  // random weights: bf16
    }

    private static int[] randomPrompt(Random random, NemotronConfig c, int n) {
        return random.ints(n, 3, c.vocabSize()).toArray();
    }

    private static MachineLimits best(MachineLimits a, MachineLimits b) {
        return new MachineLimits(Math.max(a.readGbPerS(), b.readGbPerS()), Math.max(a.copyGbPerS(), b.copyGbPerS()),
                Math.max(a.fmaGflopPerS(), b.fmaGflopPerS()), Math.max(a.gemmGflopPerS(), b.gemmGflopPerS()), a.threads());
    }

    private static final Generation GREEDY = Generation.builder().greedy().ignoreEos(true).maxTokens(1 << 20).build();

    /** One request: the prompt, then {@code draws} greedy tokens. */
    private static void run(Engine engine, int[] prompt, int draws) {
        try (EngineSequence s = engine.open(0, null, () -> false)) {
            s.feed(prompt);
            for (int i = 0; i < draws; i++) {
                SampledToken t = s.sample(new SamplingStep(GREEDY, 0, i, prompt.length, new int[0]));
                s.feed(new int[] {t.token()});
            }
        }
    }

    /** Total decode tokens/s of {@code level} concurrent requests, timed once all have their first token. */
    private static double decode(Engine engine, NemotronConfig c, int level, int tokens, Random random) throws Exception {
        CyclicBarrier start = new CyclicBarrier(level + 1);
        CyclicBarrier end = new CyclicBarrier(level + 1);
        ExecutorService pool = Executors.newFixedThreadPool(level);
        try {
            List<Future<?>> requests = new ArrayList<>();
            for (int i = 0; i < level; i++) {
                int[] prompt = randomPrompt(random, c, DECODE_PROMPT);
                requests.add(pool.submit(() -> {
                    try (EngineSequence s = engine.open(0, null, () -> false)) {
                        s.feed(prompt);
                        for (int step = 0; step <= tokens; step++) {
                            if (step == 1) {
                                start.await();
                            }
                            SampledToken t = s.sample(new SamplingStep(GREEDY, 0, step, prompt.length, new int[0]));
                            s.feed(new int[] {t.token()});
                        }
                        end.await();
                    }
                    return null;
                }));
            }
            start.await();
            long t0 = System.nanoTime();
            end.await();
            double seconds = (System.nanoTime() - t0) / 1e9;
            for (Future<?> r : requests) {
                r.get();
            }
            return (double) level * tokens / seconds;
        } finally {
            pool.shutdownNow();
        }
    }
}
