package dev.nemotron4j;

/**
 * Where a chat turn's reply begins, as the chat template renders the end of the prompt (transformers'
 * {@code add_generation_prompt} and {@code continue_final_message}, which vLLM's server passes on).
 */
public enum ReplyStart {
    /** A new assistant message: the template's generation prompt ({@code add_generation_prompt=True}). */
    NEW_ASSISTANT_MESSAGE,
    /**
     * The final message, which must be the assistant's, is left open and the reply continues it
     * ({@code continue_final_message=True}): e.g. a prefilled start of the answer.
     */
    CONTINUE_FINAL_MESSAGE,
    /**
     * The conversation as rendered without a generation prompt ({@code add_generation_prompt=False}); the
     * model writes whatever comes next, the next message's header included.
     */
    NO_GENERATION_PROMPT
}
