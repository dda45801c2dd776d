package dev.nemotron4j.cli;

import dev.nemotron4j.ChatOptions;
import dev.nemotron4j.InvalidRequestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a conversation starts, shared by {@code generate} and {@code chat} (a picocli mixin). */
final class ConversationOptions {
    @Option(names = "--system", paramLabel = "TEXT", description = "the system prompt")
    String system;

    @Option(names = "--chat-template", paramLabel = "FILE", description = "a Jinja chat template to use instead of the model's")
    Path chatTemplate;

    private String templateSource;

    /** The session options with the given thinking switch (null: as the prompts say). */
    ChatOptions chatOptions(Boolean thinking) {
        return ChatOptions.builder().system(system).thinking(thinking).chatTemplate(templateSource()).build();
    }

    private String templateSource() {
        if (chatTemplate != null && templateSource == null) {
            try {
                templateSource = Files.readString(chatTemplate);  // once per run, not per new conversation
            } catch (IOException e) {
                throw new InvalidRequestException("cannot read --chat-template " + chatTemplate + ": " + e.getMessage());
            }
        }
        return templateSource;
    }
}
