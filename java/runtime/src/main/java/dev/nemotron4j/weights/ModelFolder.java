package dev.nemotron4j.weights;

import dev.nemotron4j.ModelLoadException;
import dev.nemotron4j.config.NemotronConfig;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A model folder whose config and checkpoint have been read and checked against each other: what the
 * Java side hands to the native loader. Everything a folder can get wrong that Java can see fails here,
 * as a {@link ModelLoadException} naming the file, key or tensor, before any native code runs.
 *
 * @param directory  the folder
 * @param config     its config.json
 * @param checkpoint its safetensors files, holding exactly the tensors {@code config} implies
 */
public record ModelFolder(Path directory, NemotronConfig config, Checkpoint checkpoint) {
    public ModelFolder {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(checkpoint, "checkpoint");
    }

    /** Reads config.json, opens the checkpoint and validates one against the other. */
    public static ModelFolder open(Path directory) {
        NemotronConfig config = NemotronConfig.read(directory);
        Checkpoint checkpoint = Checkpoint.open(directory);
        CheckpointValidator.validate(config, checkpoint);
        return new ModelFolder(directory, config, checkpoint);
    }
}
