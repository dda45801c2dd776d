package dev.nemotron4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nemotron4j.Device;
import dev.nemotron4j.GpuActivations;
import dev.nemotron4j.ModelOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The options every model-loading command shares: {@code --device}, {@code --cuda-library}, {@code --gpu-activations}. */
class ModelOptionTest {
    private static ModelOption parse(String... args) {
        InfoCommand info = new InfoCommand();
        new CommandLine(info).parseArgs(args);
        return info.model;
    }

    @Test
    void deviceDefaultsToTheCpu() {
        ModelOption option = parse();
        assertEquals(Device.CPU, option.device);
        assertNull(option.cudaLibrary);
        assertEquals(Device.CPU, option.options().device());
    }

    @Test
    void everyDeviceFormReachesTheModelOptions() {
        assertEquals(Device.cuda(0), parse("--device", "cuda").options().device());
        assertEquals(Device.cuda(1), parse("--device", "cuda:1").options().device());
        assertEquals(Device.AUTO, parse("--device=auto").options().device());
        assertEquals(Device.CPU, parse("--device", "cpu").options().device());
        ModelOptions options = parse("--device", "cuda", "--cuda-library", "/opt/lib/libnemotron_cuda.so").options();
        assertEquals(Path.of("/opt/lib/libnemotron_cuda.so"), options.cudaLibrary());
    }

    @Test
    void aBadDeviceIsAUsageErrorNamingTheForms() {
        for (String device : List.of("gpu", "cuda:-1", "cuda:x")) {
            var e = assertThrows(CommandLine.ParameterException.class, () -> parse("--device", device));
            assertTrue(e.getMessage().contains("--device"), e.getMessage());
            assertTrue(e.getMessage().contains("device must be cpu, cuda, cuda:N or auto"), e.getMessage());
        }
    }

    @Test
    void gpuActivationsDefaultToBf16AndReachTheModelOptions() {
        assertEquals(GpuActivations.BFLOAT16, parse().options().gpuActivations());
        assertEquals(GpuActivations.BFLOAT16, parse("--gpu-activations", "bf16").options().gpuActivations());
        assertEquals(GpuActivations.FLOAT32, parse("--gpu-activations", "f32").options().gpuActivations());
        assertEquals(GpuActivations.FLOAT32, parse("--gpu-activations=F32").options().gpuActivations());
        assertEquals(GpuActivations.FLOAT32, parse("--gpu-activations", "float32").options().gpuActivations());
        ModelOptions options = parse("--device", "cuda:1", "--gpu-activations", "f32").options();
        assertEquals(Device.cuda(1), options.device());
        assertEquals(GpuActivations.FLOAT32, options.gpuActivations());
    }

    @Test
    void aBadGpuActivationsValueIsAUsageError() {
        for (String value : List.of("fp16", "bf", "32", "", "bf16,f32")) {
            var e = assertThrows(CommandLine.ParameterException.class, () -> parse("--gpu-activations", value));
            assertTrue(e.getMessage().contains("--gpu-activations"), e.getMessage());
            assertTrue(e.getMessage().contains("must be bf16 or f32, got '" + value + "'"), e.getMessage());
        }
        assertThrows(CommandLine.ParameterException.class, () -> parse("--gpu-activations"));
    }

    @Test
    void everyModelCommandTakesTheDevice() {
        for (Object command : List.of(new InfoCommand(), new GenerateCommand(), new ChatCommand(), new VerifyCommand(),
                new BenchCommand())) {
            var spec = new CommandLine(command).getCommandSpec();
            assertTrue(spec.findOption("--device") != null && spec.findOption("--cuda-library") != null
                    && spec.findOption("--gpu-activations") != null, spec.name());
        }
    }

    @Test
    void helpSaysWhatHappensWithoutCuda() {
        String help = new CommandLine(new InfoCommand()).getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", " ");
        for (String fragment : List.of("--device=DEVICE", "cuda:N", "auto", "runs on the CPU", "warning",
                "--cuda-library=PATH", "NEMOTRON_CUDA_LIBRARY", "default cpu", "--gpu-activations=bf16|f32",
                "float32-accurate, twice the GEMM work", "default bf16", "The CPU ignores it")) {
            assertTrue(help.contains(fragment), "help should contain \"" + fragment + "\": " + help);
        }
    }
}
