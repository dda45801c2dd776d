package dev.nemotron4j;

import java.util.Objects;

/**
 * How to load a model. Immutable; build with {@link #builder()} or start from {@link #defaults()}.
 *
 * @param device        {@code "cpu"} (the only backend in this build)
 * @param threads       CPU threads for the native kernels; 0 means every core
 * @param ssmStateDtype storage of the Mamba SSM state; {@link SsmStateDtype#FLOAT32} by default
 * @param preload       read the weight files into memory while loading (with progress) instead of on
 *                      first use; off by default
 * @param progress      told how far preloading has come
 * @param engine        the engine's cache sizes and scheduling ({@link EngineOptions#defaults()})
 */
public record ModelOptions(String device, int threads, SsmStateDtype ssmStateDtype, boolean preload,
        LoadProgress progress, EngineOptions engine) {
    public ModelOptions {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(ssmStateDtype, "ssmStateDtype");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(engine, "engine");
        if (threads < 0) {
            throw new InvalidRequestException("threads must be >= 0 (0 = every core), got " + threads);
        }
        if (!device.equals("cpu")) {
            throw new InvalidRequestException("device '" + device + "' is not available in this build; use \"cpu\"");
        }
    }

    public static ModelOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().device(device).threads(threads).ssmStateDtype(ssmStateDtype).preload(preload)
                .progress(progress).engine(engine);
    }

    /** Builder for {@link ModelOptions}. */
    public static final class Builder {
        private String device = "cpu";
        private int threads = 0;
        private SsmStateDtype ssmStateDtype = SsmStateDtype.FLOAT32;
        private boolean preload;
        private LoadProgress progress = LoadProgress.NONE;
        private EngineOptions engine = EngineOptions.defaults();

        private Builder() {}

        public Builder device(String device) {
            this.device = device;
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
            return new ModelOptions(device, threads, ssmStateDtype, preload, progress, engine);
        }
    }
}
