package dev.nemotron4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code nemotron4j} command: one subcommand class each. */
@Command(name = "nemotron4j", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Run NVIDIA Nemotron-H models (Mamba2-Transformer hybrids such as "
                + "NVIDIA-Nemotron-Nano-9B-v2) in-process on the JVM.", ""},
        subcommands = {GenerateCommand.class, ChatCommand.class, ServeCommand.class, InfoCommand.class, VerifyCommand.class,
                BenchCommand.class, RenderCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
                "  nemotron4j generate --prompt \"What is 2+2?\" --system \"You are a helpful assistant. /think\"",
                "  nemotron4j chat                    (talk to the bundled nemotron-h-tiny-chat)",
                "  nemotron4j serve --port 8000       (an OpenAI-compatible server, as vllm serve)",
                "  nemotron4j verify                  (the bundled nemotron-h-tiny-chat against its golden)",
                "  nemotron4j info --model models/nemotron-h-tiny-chat",
                "  nemotron4j verify --model models/tiny-a --golden models/tiny-a"})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static final String LOG_FORMAT = "java.util.logging.SimpleFormatter.format";

    public static void main(String[] args) {
        // The runtime's log lines (a CUDA fallback) as "WARNING: …", not java.util.logging's two-line default;
        // set before anything logs, and only when the user has not chosen a format.
        if (System.getProperty(LOG_FORMAT) == null) {
            System.setProperty(LOG_FORMAT, "%4$s: %5$s%6$s%n");
        }
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of main). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new ErrorHandler());
        cli.setCaseInsensitiveEnumValuesAllowed(true);  // --ssm-state-dtype float32, as vLLM spells it
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
