package dev.nemotron4j.weights;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nemotron4j.ModelLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code weight_map} of a {@code model.safetensors.index.json}: tensor name → shard file. Shard names
 * must stay inside the model folder (an index is data, and may be hostile); {@code metadata} is ignored.
 *
 * @param file      the index file
 * @param weightMap tensor name → resolved shard path, in the index's order
 */
record ShardIndex(Path file, Map<String, Path> weightMap) {
    /** The 9B's index is about 30 KiB; anything this large is not an index. */
    private static final long MAX_INDEX_BYTES = 64L << 20;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static ShardIndex read(Path file) {
        JsonNode root;
        try {
            long size = Files.size(file);
            if (size > MAX_INDEX_BYTES) {
                throw new ModelLoadException(file + " is " + size + " bytes, too large for a shard index");
            }
            root = MAPPER.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw new ModelLoadException(file + " is not valid JSON" + where + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + file + ": " + e, e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new ModelLoadException(file + ": expected an object with a \"weight_map\" object "
                    + "(tensor name → shard file)");
        }
        if (map.isEmpty()) {
            throw new ModelLoadException(file + ": \"weight_map\" is empty");
        }
        Path dir = file.toAbsolutePath().normalize().getParent();
        Map<String, Path> weightMap = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : map.properties()) {
            JsonNode shard = entry.getValue();
            if (!shard.isTextual() || shard.textValue().isEmpty()) {
                throw new ModelLoadException(file + ": \"weight_map\" maps " + entry.getKey()
                        + " to " + shard + "; expected a shard file name");
            }
            weightMap.put(entry.getKey(), resolveInside(file, dir, entry.getKey(), shard.textValue()));
        }
        return new ShardIndex(file, Collections.unmodifiableMap(weightMap));
    }

    private static Path resolveInside(Path file, Path dir, String tensor, String shard) {
        Path resolved;
        try {
            resolved = dir.resolve(shard).normalize();
        } catch (RuntimeException e) { // InvalidPathException: a NUL or the like in the name
            resolved = null;
        }
        if (resolved == null || !resolved.startsWith(dir) || resolved.equals(dir)) {
            throw new ModelLoadException(file + ": \"weight_map\" maps " + tensor + " to \"" + shard
                    + "\", which is not a file inside " + dir);
        }
        // keep the caller's spelling of the folder (relative or not) in the paths error messages print
        return file.resolveSibling(dir.relativize(resolved));
    }
}
