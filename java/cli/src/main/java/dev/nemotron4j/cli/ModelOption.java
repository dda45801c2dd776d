package dev.nemotron4j.cli;

import dev.nemotron4j.BundledModel;
import dev.nemotron4j.ModelOptions;
import dev.nemotron4j.SsmStateDtype;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options every command that loads a model shares (a picocli mixin). */
final class ModelOption {
    @Option(names = "--model", paramLabel = "DIR",
            description = "Hugging Face model folder: config.json + model.safetensors (or a sharded index); "
                    + "default: the bundled " + BundledModel.NAME)
    Path model;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "CPU threads for the native kernels (0 = every core; default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--ssm-state-dtype", defaultValue = "FLOAT32", paramLabel = "DTYPE",
            description = "Mamba SSM state storage: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    SsmStateDtype ssmStateDtype;

    /** The folder given, or the bundled model's (extracted on first use). */
    Path directory() {
        return model != null ? model : BundledModel.directory();
    }

    @Option(names = "--no-preload", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "read the weight files into memory up front, with a progress bar for large models "
                    + "(default: on; --no-preload maps them and reads on first use)")
    boolean preload;

    @Mixin
    EngineOption engine;

    ModelOptions options() {
        return ModelOptions.builder().threads(threads).ssmStateDtype(ssmStateDtype).preload(preload)
                .progress(ProgressBar.onStderr("reading weights")).engine(engine.options()).build();
    }
}
