package dev.nemotron4j.weights;

import dev.nemotron4j.ModelLoadException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The safetensors files of a model folder and every tensor in them, with their headers checked: either
 * one {@code model.safetensors} or the shards a {@code model.safetensors.index.json} names. A sharded
 * checkpoint must agree with its index exactly: every mapped tensor in its shard, no tensor in two
 * files, no tensor the index does not list. Opening reads headers only; nothing here holds the files
 * open or reads tensor data.
 */
public final class Checkpoint {
    /** The single-file checkpoint's name. */
    public static final String SINGLE_FILE = "model.safetensors";
    /** The shard index's name; when present it wins over {@link #SINGLE_FILE}, as in transformers. */
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private final Path dir;
    private final Optional<Path> indexFile;
    private final List<Path> files;
    private final Map<String, TensorInfo> tensors;

    private Checkpoint(Path dir, Optional<Path> indexFile, List<Path> files, Map<String, TensorInfo> tensors) {
        this.dir = dir;
        this.indexFile = indexFile;
        this.files = List.copyOf(files);
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /**
     * Finds and checks the checkpoint files of {@code modelDir}.
     *
     * @throws ModelLoadException if there is none, a header is malformed, or shards and index disagree;
     *     the message names the file and tensor
     */
    public static Checkpoint open(Path modelDir) {
        if (!Files.isDirectory(modelDir)) {
            throw new ModelLoadException("model folder " + modelDir + " does not exist or is not a directory");
        }
        Path index = modelDir.resolve(INDEX_FILE);
        if (Files.exists(index)) {
            return openSharded(modelDir, index);
        }
        Path single = modelDir.resolve(SINGLE_FILE);
        if (Files.isRegularFile(single)) {
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            for (TensorInfo t : SafetensorsHeader.read(single).tensors()) {
                tensors.put(t.name(), t);
            }
            return new Checkpoint(modelDir, Optional.empty(), List.of(single), tensors);
        }
        throw new ModelLoadException("no " + SINGLE_FILE + " or " + INDEX_FILE + " in " + modelDir
                + ": nemotron4j reads Hugging Face safetensors checkpoints (not .bin, .pt or .gguf)");
    }

    private static Checkpoint openSharded(Path dir, Path indexPath) {
        ShardIndex index = ShardIndex.read(indexPath);
        // shards sorted by name: model-00001-of-00004 ... is the order they were written in
        TreeMap<String, Path> shards = new TreeMap<>();
        for (Map.Entry<String, Path> e : index.weightMap().entrySet()) {
            Path shard = e.getValue();
            if (shards.putIfAbsent(shard.toString(), shard) == null && !Files.isRegularFile(shard)) {
                throw new ModelLoadException("shard " + shard + " named by " + indexPath + " (for tensor "
                        + e.getKey() + ") does not exist");
            }
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Path shard : shards.values()) {
            for (TensorInfo t : SafetensorsHeader.read(shard).tensors()) {
                TensorInfo other = tensors.putIfAbsent(t.name(), t);
                if (other != null) {
                    throw new ModelLoadException("tensor " + t.name() + " is in both " + other.file() + " and "
                            + shard + ": a tensor must be stored once");
                }
            }
        }
        for (Map.Entry<String, Path> e : index.weightMap().entrySet()) {
            TensorInfo t = tensors.get(e.getKey());
            if (t == null || !t.file().equals(e.getValue())) {
                throw new ModelLoadException(indexPath + " maps tensor " + e.getKey() + " to " + e.getValue()
                        + ", but that shard has no tensor " + e.getKey()
                        + (t == null ? "" : " (it is in " + t.file() + ")"));
            }
        }
        for (TensorInfo t : tensors.values()) {
            if (!index.weightMap().containsKey(t.name())) {
                throw new ModelLoadException("tensor " + t.name() + " in " + t.file() + " is not in the weight_map of "
                        + indexPath + ": the index and its shards disagree");
            }
        }
        return new Checkpoint(dir, Optional.of(indexPath), new ArrayList<>(shards.values()), tensors);
    }

    /** The model folder. */
    public Path directory() {
        return dir;
    }

    /** The shard index, when the checkpoint is sharded. */
    public Optional<Path> indexFile() {
        return indexFile;
    }

    /** The .safetensors files, in name order (shard 1 first). */
    public List<Path> files() {
        return files;
    }

    /** Every tensor by name: file by file in {@link #files} order, each file's in data order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The summed size of all tensor data in bytes (what the weights occupy in memory). */
    public long totalBytes() {
        long total = 0;
        for (TensorInfo t : tensors.values()) {
            total += t.byteLength();
        }
        return total;
    }

    /** How error messages name this checkpoint: its single file, or its index and shard count. */
    public String describe() {
        return indexFile.map(i -> i + " (" + files.size() + " shards)").orElseGet(() -> files.get(0).toString());
    }

    @Override
    public String toString() {
        return "Checkpoint[" + describe() + ", " + tensors.size() + " tensors, " + totalBytes() + " bytes]";
    }
}
