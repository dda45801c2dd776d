package dev.nemotron4j.nativeapi;

import dev.nemotron4j.Generation;
import dev.nemotron4j.generation.SampledToken;
import dev.nemotron4j.generation.SamplingStep;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;

/** One draw's {@code nt_sampling} filled from a {@link SamplingStep}; owns the id arrays it points to. */
final class NativeSamplingParams implements AutoCloseable {
    private final List<Pointer> owned = new ArrayList<>();

    /** Fills {@code params} (one element, at its position) for {@code step}. */
    void fill(NemotronNative.NtSampling params, SamplingStep step) {
        Generation g = step.generation();
        int[] suppressed = step.suppressedIds();
        int[] biasIds = g.logitBias().keySet().stream().mapToInt(Integer::intValue).toArray();
        float[] biasValues = new float[biasIds.length];
        for (int i = 0; i < biasIds.length; i++) {
            biasValues[i] = g.logitBias().get(biasIds[i]);
        }
        var bias = keep(new IntPointer(Math.max(1, biasIds.length)).put(biasIds));
        var biasV = keep(new FloatPointer(Math.max(1, biasIds.length)).put(biasValues));
        var suppress = keep(new IntPointer(Math.max(1, suppressed.length)).put(suppressed));
        params.temperature((float) g.temperature()).top_k(g.topK()).top_p((float) g.topP()).min_p((float) g.minP())
                .repetition_penalty((float) g.repetitionPenalty()).presence_penalty((float) g.presencePenalty())
                .frequency_penalty((float) g.frequencyPenalty()).seed(step.seed()).step(step.step())
                .output_start(step.outputStart()).n_logprobs(g.logprobs() > 0 ? g.logprobs() : -1)
                .bias_ids(bias).bias_values(biasV).n_bias(biasIds.length)
                .suppressed_ids(suppress).n_suppressed(suppressed.length);
    }

    static SampledToken read(NemotronNative.NtSampleResult result, SamplingStep step) {
        List<SampledToken.TopLogprob> top = new ArrayList<>();
        for (int i = 0; i < result.n_top(); i++) {
            top.add(new SampledToken.TopLogprob(result.top_ids(i), result.top_logprobs(i)));
        }
        return new SampledToken(result.token(), result.logprob(), step.generation().logprobs() > 0 ? top : List.of());
    }

    private <P extends Pointer> P keep(P pointer) {
        owned.add(pointer);
        return pointer;
    }

    @Override
    public void close() {
        owned.forEach(Pointer::close);
        owned.clear();
    }
}
