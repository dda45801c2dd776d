package dev.nemotron4j.cli;

import dev.nemotron4j.ChatReply;
import dev.nemotron4j.ChatSession;
import dev.nemotron4j.Generation;
import dev.nemotron4j.NemotronException;
import dev.nemotron4j.NemotronModel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nemotron4j chat}: an interactive conversation on one session. */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = {"Chat with the model: type a message, read the streamed reasoning (dimmed) and answer.",
                "Commands: /think and /no_think (start over with reasoning on / off), /budget N (thinking budget; "
                        + "/budget off), /reset (start over), /exit."})
final class ChatCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    ConversationOptions conversation;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        boolean color = System.console() != null;
        var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (NemotronModel m = NemotronModel.load(model.directory(), model.options())) {
            Generation generation = sampling.apply(m.generationDefaults());
            Boolean thinking = null;
            ChatSession chat = m.newChat(conversation.chatOptions(thinking));
            try {
                out.println("nemotron4j chat on " + m.directory().getFileName() + " — /think, /no_think, /budget N, /reset, /exit");
                while (true) {
                    out.print("> ");
                    out.flush();
                    String line = in.readLine();
                    if (line == null || line.strip().equals("/exit")) {
                        break;
                    }
                    String command = line.strip();
                    if (command.isEmpty()) {
                        continue;
                    }
                    if (command.equals("/think") || command.equals("/no_think") || command.equals("/reset")) {
                        if (!command.equals("/reset")) {
                            thinking = command.equals("/think");
                        }
                        chat.close();
                        chat = m.newChat(conversation.chatOptions(thinking));
                        out.println("(new conversation" + (thinking == null ? "" : thinking ? ", reasoning on" : ", reasoning off") + ")");
                        continue;
                    }
                    if (command.startsWith("/budget")) {
                        String arg = command.substring("/budget".length()).strip();
                        try {
                            generation = generation.toBuilder()
                                    .thinkingBudget(arg.equals("off") ? null : Integer.parseInt(arg)).build();
                            out.println("(thinking budget " + (arg.equals("off") ? "off" : arg + " tokens") + ")");
                        } catch (NumberFormatException | NemotronException e) {
                            out.println("usage: /budget N  or  /budget off");
                        }
                        continue;
                    }
                    if (command.startsWith("/") && !command.startsWith("/think ") && !command.startsWith("/no_think ")) {
                        out.println("unknown command " + command.split("\\s+")[0]
                                + "; commands: /think, /no_think, /budget N, /budget off, /reset, /exit");
                        continue;
                    }
                    try {
                        ChatReply reply = chat.stream(line, generation, new ReplyPrinter(out, color));
                        out.printf("(%d prompt tokens, %d reused; %d completion tokens, %s)%n",
                                reply.usage().promptTokens(), reply.usage().cachedTokens(),
                                reply.usage().completionTokens(), reply.finishReason().wireName());
                    } catch (NemotronException e) {
                        out.println("error: " + e.getMessage());
                    }
                }
            } finally {
                chat.close();
            }
        }
        out.flush();
        return 0;
    }
}
