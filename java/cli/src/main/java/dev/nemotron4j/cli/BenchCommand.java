package dev.nemotron4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.NemotronModel;
import dev.nemotron4j.Sequence;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nemotron4j bench}: single-sequence prefill and decode speed on a model folder. The engine
 * issue extends it (named random shapes, concurrency, ratios to measured limits); this is the
 * foundation's honest baseline.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure one sequence's prefill speed (tokens/s for a prompt of random token ids) and "
                + "greedy decode speed (tokens/s, one token per step) on a model folder."})
final class BenchCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Option(names = "--prompt", defaultValue = "512", paramLabel = "N",
            description = "prompt length in tokens (default ${DEFAULT-VALUE})")
    int promptTokens;

    @Option(names = "--decode", defaultValue = "64", paramLabel = "N",
            description = "decode steps (default ${DEFAULT-VALUE})")
    int decodeTokens;

    @Option(names = "--repeat", defaultValue = "3", paramLabel = "N",
            description = "runs; the best is reported (default ${DEFAULT-VALUE})")
    int repeat;

    @Option(names = "--json", description = "print one JSON object as the last line")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (promptTokens < 1 || decodeTokens < 1 || repeat < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--prompt, --decode and --repeat must be at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        double bestPrefill = 0;
        double bestDecode = 0;
        try (NemotronModel m = NemotronModel.load(model.directory(), model.options())) {
            int[] prompt = new Random(0).ints(promptTokens, 3, m.config().vocabSize()).toArray();
            warmUp(m);
            for (int run = 1; run <= repeat; run++) {
                try (Sequence seq = m.newSequence()) {
                    long t0 = System.nanoTime();
                    seq.feed(prompt);
                    long t1 = System.nanoTime();
                    seq.decodeGreedy(decodeTokens);
                    long t2 = System.nanoTime();
                    double prefill = promptTokens / ((t1 - t0) / 1e9);
                    double decode = decodeTokens / ((t2 - t1) / 1e9);
                    bestPrefill = Math.max(bestPrefill, prefill);
                    bestDecode = Math.max(bestDecode, decode);
                    out.printf("run %d/%d: prefill %d tokens %.1f tok/s, decode %d tokens %.2f tok/s%n", run, repeat,
                            promptTokens, prefill, decodeTokens, decode);
                    out.flush();
                }
            }
            out.printf("best: prefill %.1f tok/s, decode %.2f tok/s (%s, %d threads)%n", bestPrefill, bestDecode,
                    m.config().layerPattern(), m.info().threads());
        }
        if (json) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("model", model.directory().toAbsolutePath().normalize().getFileName().toString());
            result.put("prompt_tokens", promptTokens);
            result.put("decode_tokens", decodeTokens);
            result.put("prefill_tok_s", bestPrefill);
            result.put("decode_tok_s", bestDecode);
            out.println(new ObjectMapper().writeValueAsString(result));
        }
        out.flush();
        return 0;
    }

    /** Touches every weight page once so the first timed run does not pay for page faults. */
    private static void warmUp(NemotronModel m) {
        try (Sequence seq = m.newSequence()) {
            seq.feed(1, 2);
        }
    }
}
