package dev.nemotron4j;

/**
 * Told how far loading a model has come: reading the weights from disk into memory (see
 * {@link ModelOptions.Builder#preload(boolean)}), and, on a CUDA device, uploading them to the GPU. Each stage
 * counts its own bytes from 0 up to its total. Updates come one at a time, never concurrently: from the loading
 * thread while reading, from a polling thread of the load (about every 100 ms) while uploading, and the last
 * one of the upload from the loading thread again once the model is on the GPU.
 */
@FunctionalInterface
public interface LoadProgress {
    /** The stages of a load that report progress, in their order. */
    enum Stage {
        /** Reading the weight files from disk into memory (preloading). */
        READING,
        /** Uploading the weights to the GPU (a CUDA device). */
        UPLOADING
    }

    /** {@code done} of {@code total} weight bytes of the current stage: read into memory, or uploaded to the GPU. */
    void update(long done, long total);

    /**
     * {@code done} of {@code total} weight bytes of {@code stage}. By default {@link #update(long, long)}: one
     * bar that starts over at each stage; override it to tell the stages apart.
     */
    default void update(Stage stage, long done, long total) {
        update(done, total);
    }

    /** Ignores every update. */
    LoadProgress NONE = (done, total) -> {};
}
