package dev.nemotron4j.cli;

import dev.nemotron4j.NemotronException;
import picocli.CommandLine;

/** Prints the runtime's errors as one readable line (exit 2) instead of a stack trace; bugs keep theirs. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    static final int EXIT_ERROR = 2;

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        if (e instanceof NemotronException) {
            cli.getErr().println("error: " + e.getMessage());
            return EXIT_ERROR;
        }
        cli.getErr().println("internal error (please report): " + e);
        e.printStackTrace(cli.getErr());
        return EXIT_ERROR;
    }
}
