package dev.nemotron4j.cli;

import dev.nemotron4j.BundledModel;
import dev.nemotron4j.Device;
import dev.nemotron4j.GpuActivations;
import dev.nemotron4j.InvalidRequestException;
import dev.nemotron4j.ModelOptions;
import dev.nemotron4j.SsmStateDtype;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options every command that loads a model shares (a picocli mixin). */
final class ModelOption {
    @Option(names = "--model", paramLabel = "DIR",
            description = "Hugging Face model folder: config.json + model.safetensors (or a sharded index); "
                    + "default: the bundled " + BundledModel.NAME)
    Path model;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEVICE", converter = DeviceConverter.class,
            description = "where the model runs: cpu, cuda (= cuda:0), cuda:N, or auto (CUDA device 0 when the CUDA "
                    + "backend loads, else the CPU); default ${DEFAULT-VALUE}. Where CUDA cannot be used (no "
                    + "libnemotron_cuda.so, no driver or GPU, no such device, an option it does not support) the "
                    + "model runs on the CPU, with a warning that says why (with auto, a note)")
    Device device;

    @Option(names = "--cuda-library", paramLabel = "PATH",
            description = "the CUDA backend library (libnemotron_cuda.so) for --device cuda or auto; default: "
                    + "$NEMOTRON_CUDA_LIBRARY, else the one in this jar when it was built with CUDA, else "
                    + "libnemotron_cuda.so beside the native library or on the loader's path")
    Path cudaLibrary;

    @Option(names = "--gpu-activations", defaultValue = "bf16", paramLabel = "bf16|f32",
            converter = GpuActivationsConverter.class,
            description = "what the CUDA backend's prefill GEMMs read the bfloat16 weights against: bf16 rounds the "
                    + "activations to bfloat16 (fast, vLLM's numerics, ~1e-2 relative error in the logits), f32 "
                    + "splits them into two bfloat16 halves (float32-accurate, twice the GEMM work); default "
                    + "${DEFAULT-VALUE}. The CPU ignores it")
    GpuActivations gpuActivations;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "CPU threads for the native kernels (0 = every core; default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = {"--ssm-state-dtype", "--mamba-ssm-cache-dtype", "--mamba_ssm_cache_dtype"}, defaultValue = "FLOAT32",
            paramLabel = "DTYPE", description = "Mamba SSM state storage: ${COMPLETION-CANDIDATES}, any case (default "
                    + "${DEFAULT-VALUE}; vLLM's --mamba_ssm_cache_dtype is accepted as an alias)")
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
        return ModelOptions.builder().device(device).cudaLibrary(cudaLibrary).gpuActivations(gpuActivations)
                .threads(threads).ssmStateDtype(ssmStateDtype).preload(preload)
                .progress(ProgressBar.loadingOnStderr()).engine(engine.options()).build();
    }

    /** {@code --device}: {@link Device#parse}, its message as picocli's usage error. */
    static final class DeviceConverter implements ITypeConverter<Device> {
        @Override
        public Device convert(String value) {
            try {
                return Device.parse(value);
            } catch (InvalidRequestException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code --gpu-activations}: {@code bf16} or {@code f32} (also spelled {@code bfloat16}, {@code float32}). */
    static final class GpuActivationsConverter implements ITypeConverter<GpuActivations> {
        @Override
        public GpuActivations convert(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "bf16", "bfloat16" -> GpuActivations.BFLOAT16;
                case "f32", "float32" -> GpuActivations.FLOAT32;
                default -> throw new picocli.CommandLine.TypeConversionException(
                        "gpu activations must be bf16 or f32, got '" + value + "'");
            };
        }
    }
}
