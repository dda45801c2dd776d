package dev.nemotron4j;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to load a model. Immutable; build with {@link #builder()} or start from {@link #defaults()}.
 *
 * @param device         where the model runs: {@link Device#CPU} (default), {@code cuda:N}, or {@link Device#AUTO}
 *                       (CUDA device 0 when the CUDA backend loads, else the CPU). When CUDA is asked for and
 *                       cannot be used (no backend library, driver or device; an option it does not support), the
 *                       model loads on the CPU, with an INFO log line for {@code auto} and a WARNING that says
 *                       why and what to do for {@code cuda:N}; {@link NemotronModel#device()} says where it runs
 * @param cudaLibrary    the CUDA backend library ({@code libnemotron_cuda.so}); null (default):
 *                       {@code $NEMOTRON_CUDA_LIBRARY}, else the copy packaged in the platform jar when it was
 *                       built with CUDA, else {@code libnemotron_cuda.so} beside the native library or on the
 *                       dynamic loader's path
 * @param gpuActivations what the CUDA backend's prefill GEMMs read their bfloat16 weights against:
 *                       {@link GpuActivations#BFLOAT16} (default) rounds the activations to bfloat16 — fast, vLLM's
 *                       numerics, about 1e-2 relative logit error on the bfloat16 test checkpoint;
 *                       {@link GpuActivations#FLOAT32} splits them into two bfloat16 halves — float32-accurate, twice
 *                       the GEMM work. Decode steps of one or two tokens read float32 either way; the CPU ignores it
 * @param threads        CPU threads for the native kernels; 0 means every core
 * @param ssmStateDtype  storage of the Mamba SSM state; {@link SsmStateDtype#FLOAT32} by default
 * @param preload        read the weight files into memory while loading (with progress) instead of on
 *                       first use; off by default
 * @param progress       told how far preloading has come and, on a CUDA device, how far uploading the weights to
 *                       the GPU has come ({@link LoadProgress.Stage})
 * @param engine         the engine's cache sizes and scheduling ({@link EngineOptions#defaults()})
 */
public record ModelOptions(Device device, Path cudaLibrary, GpuActivations gpuActivations, int threads,
        SsmStateDtype ssmStateDtype, boolean preload, LoadProgress progress, EngineOptions engine) {
    public ModelOptions {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(gpuActivations, "gpuActivations");
        Objects.requireNonNull(ssmStateDtype, "ssmStateDtype");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(engine, "engine");
        if (threads < 0) {
            throw new InvalidRequestException("threads must be >= 0 (0 = every core), got " + threads);
        }
    }

    public static ModelOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().device(device).cudaLibrary(cudaLibrary).gpuActivations(gpuActivations)
                .threads(threads).ssmStateDtype(ssmStateDtype).preload(preload).progress(progress).engine(engine);
    }

    /** Builder for {@link ModelOptions}. */
    public static final class Builder {
        private Device device = Device.CPU;
        private Path cudaLibrary;
        private GpuActivations gpuActivations = GpuActivations.BFLOAT16;
        private int threads = 0;
        private SsmStateDtype ssmStateDtype = SsmStateDtype.FLOAT32;
        private boolean preload;
        private LoadProgress progress = LoadProgress.NONE;
        private EngineOptions engine = EngineOptions.defaults();

        private Builder() {}

        public Builder device(Device device) {
            this.device = device;
            return this;
        }

        /**
         * {@code "cpu"}, {@code "cuda"} (= {@code "cuda:0"}), {@code "cuda:N"} or {@code "auto"}.
         *
         * @throws InvalidRequestException for anything else
         */
        public Builder device(String device) {
            return device(Device.parse(device));
        }

        /** The CUDA backend library's path; null: the default search (see {@link ModelOptions}). */
        public Builder cudaLibrary(Path cudaLibrary) {
            this.cudaLibrary = cudaLibrary;
            return this;
        }

        /**
         * What the CUDA backend's prefill GEMMs read their bfloat16 weights against: {@link GpuActivations#BFLOAT16}
         * (default; fast, vLLM's numerics, about 1e-2 relative logit error on the bfloat16 test checkpoint) or
         * {@link GpuActivations#FLOAT32} (float32-accurate, twice the GEMM work). The CPU ignores it.
         */
        public Builder gpuActivations(GpuActivations gpuActivations) {
            this.gpuActivations = gpuActivations;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder ssmStateDtype(SsmStateDtype ssmStateDtype) {
            this.ssmStateDtype = ssmStateDtype;
            return this;
        }

        public Builder preload(boolean preload) {
            this.preload = preload;
            return this;
        }

        public Builder progress(LoadProgress progress) {
            this.progress = progress;
            return this;
        }

        public Builder engine(EngineOptions engine) {
            this.engine = engine;
            return this;
        }

        public ModelOptions build() {
            return new ModelOptions(device, cudaLibrary, gpuActivations, threads, ssmStateDtype, preload, progress,
                    engine);
        }
    }
}
