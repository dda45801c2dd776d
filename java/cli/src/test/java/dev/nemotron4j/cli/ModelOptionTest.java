package dev.nemotron4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nemotron4j.Device;
import dev.nemotron4j.ModelOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The options every model-loading command shares: {@code --device} and {@code --cuda-library} here. */
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
    void everyModelCommandTakesTheDevice() {
        for (Object command : List.of(new InfoCommand(), new GenerateCommand(), new ChatCommand(), new VerifyCommand(),
                new BenchCommand())) {
            var spec = new CommandLine(command).getCommandSpec();
            assertTrue(spec.findOption("--device") != null && spec.findOption("--cuda-library") != null,
                    spec.name());
        }
    }

    @Test
    void helpSaysWhatHappensWithoutCuda() {
        String help = new CommandLine(new InfoCommand()).getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", " ");
        for (String fragment : List.of("--device=DEVICE", "cuda:N", "auto", "runs on the CPU", "warning",
                "--cuda-library=PATH", "NEMOTRON_CUDA_LIBRARY", "default cpu")) {
            assertTrue(help.contains(fragment), "help should contain \"" + fragment + "\": " + help);
        }
    }
}
