/**
 * Chat templates: {@link dev.nemotron4j.chat.template.ChatTemplate} renders a conversation
 * ({@link dev.nemotron4j.chat.template.RenderRequest}) with a model folder's Hugging Face chat template,
 * byte for byte as transformers' {@code apply_chat_template(tokenize=False)};
 * {@link dev.nemotron4j.chat.template.RenderCases} checks it against files of expected renders.
 */
package dev.nemotron4j.chat.template;
