package dev.nemotron4j;

import java.util.Objects;

/**
 * A tool the model called, in OpenAI's shape ({@code {"id", "type": "function", "function": {"name",
 * "arguments"}}}).
 *
 * @param id        unique within the conversation, e.g. {@code call_Xq3…} (24 random letters and digits);
 *                  a client sends it back with the tool's result
 * @param name      the function's name, as the model wrote it
 * @param arguments the arguments as JSON text: an object the model wrote is serialized compactly; a string
 *                  the model wrote is passed on unchanged (normally JSON itself; if not, the client's JSON
 *                  parser reports it, as with any OpenAI model's invalid arguments)
 */
public record ToolCall(String id, String name, String arguments) {
    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
    }
}
