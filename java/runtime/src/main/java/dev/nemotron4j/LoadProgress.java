package dev.nemotron4j;

/**
 * Told how far reading the weights has come while a model loads (see
 * {@link ModelOptions.Builder#preload(boolean)}). Called from the loading thread.
 */
@FunctionalInterface
public interface LoadProgress {
    /** {@code done} of {@code total} weight bytes have been read from disk into memory. */
    void update(long done, long total);

    /** Ignores every update. */
    LoadProgress NONE = (done, total) -> {};
}
