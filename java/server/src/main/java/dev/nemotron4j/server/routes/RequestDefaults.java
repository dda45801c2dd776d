package dev.nemotron4j.server.routes;

import dev.nemotron4j.Generation;
import dev.nemotron4j.NemotronModel;

/**
 * What a request's sampling starts from, as vLLM's server: the model folder's
 * {@code generation_config.json}, and when that sets no {@code max_new_tokens}, no cap on the reply but
 * the context (a request without {@code max_tokens} runs until it stops or the context is full; the
 * runtime bounds it by the room the prompt leaves). A reasoning model's replies routinely run past any
 * fixed default, and a client written for vLLM does not expect them cut.
 */
final class RequestDefaults {
    private RequestDefaults() {}

    static Generation.Builder of(NemotronModel model) {
        Generation.Builder defaults = model.generationDefaults();
        if (model.chatResources().generationConfig().maxNewTokens() == null) {
            defaults.maxTokens(model.contextLength());
        }
        return defaults;
    }
}
