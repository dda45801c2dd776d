package dev.nemotron4j.cli;

import dev.nemotron4j.Delta;
import java.io.PrintWriter;
import java.util.function.Consumer;

/** Streams a reply to the terminal: reasoning dimmed (on a terminal), then the answer. */
final class ReplyPrinter implements Consumer<Delta> {
    private static final String DIM = "\u001b[2m";
    private static final String RESET = "\u001b[0m";

    private final PrintWriter out;
    private final boolean color;
    private boolean inReasoning;
    private boolean printedReasoning;

    ReplyPrinter(PrintWriter out, boolean color) {
        this.out = out;
        this.color = color;
    }

    @Override
    public void accept(Delta delta) {
        if (!delta.reasoning().isEmpty()) {
            if (!inReasoning) {
                out.print(color ? DIM : "[reasoning] ");
                inReasoning = true;
            }
            out.print(delta.reasoning());
            printedReasoning = true;
        }
        if (!delta.content().isEmpty() || !delta.toolCalls().isEmpty()) {
            endReasoning();
            out.print(delta.content());
            delta.toolCalls().forEach(call -> out.printf("%n[tool call] %s(%s)%n", call.name(), call.arguments()));
        }
        if (delta.finishReason() != null) {
            endReasoning();
            out.println();
        }
        out.flush();
    }

    private void endReasoning() {
        if (inReasoning) {
            out.print(color ? RESET + "\n\n" : "\n\n");
            inReasoning = false;
        }
    }

    boolean printedReasoning() {
        return printedReasoning;
    }
}
