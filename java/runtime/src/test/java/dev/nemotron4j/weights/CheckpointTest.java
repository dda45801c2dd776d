package dev.nemotron4j.weights;

import static dev.nemotron4j.testing.LoadErrors.assertLoadError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.testing.SafetensorsWriter;
import dev.nemotron4j.testing.TinyCheckpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding a folder's safetensors files and reconciling shards with their index. */
class CheckpointTest {
    @TempDir
    Path dir;

    private static SafetensorsWriter shard(String... names) {
        SafetensorsWriter writer = new SafetensorsWriter();
        for (String name : names) {
            writer.addF32(name, new long[] {2}, new float[] {1, 2});
        }
        return writer;
    }

    private void writeIndex(Map<String, String> weightMap) throws IOException {
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("metadata", Map.of("total_size", 0));
        index.put("weight_map", weightMap);
        Files.writeString(dir.resolve(Checkpoint.INDEX_FILE), new ObjectMapper().writeValueAsString(index));
    }

    /** Two shards: a, b in shard 1; c in shard 2, with a matching index. */
    private void twoShards() throws IOException {
        shard("a", "b").write(dir.resolve("model-00001-of-00002.safetensors"));
        shard("c").write(dir.resolve("model-00002-of-00002.safetensors"));
        writeIndex(Map.of("a", "model-00001-of-00002.safetensors", "b", "model-00001-of-00002.safetensors",
                "c", "model-00002-of-00002.safetensors"));
    }

    @Test
    void singleFile() {
        Path file = shard("a", "b").write(dir.resolve("model.safetensors"));
        Checkpoint c = Checkpoint.open(dir);
        assertEquals(List.of(file), c.files());
        assertEquals(List.of("a", "b"), new ArrayList<>(c.tensors().keySet()));
        assertEquals(16, c.totalBytes());
        assertEquals(dir, c.directory());
        assertTrue(c.indexFile().isEmpty());
        assertEquals(file.toString(), c.describe());
    }

    @Test
    void shardedHappyPath() throws IOException {
        twoShards();
        Checkpoint c = Checkpoint.open(dir);
        assertEquals(List.of(dir.resolve("model-00001-of-00002.safetensors"),
                dir.resolve("model-00002-of-00002.safetensors")), c.files());
        assertEquals(List.of("a", "b", "c"), new ArrayList<>(c.tensors().keySet()));
        assertEquals(dir.resolve("model-00002-of-00002.safetensors"), c.tensors().get("c").file());
        assertEquals(24, c.totalBytes());
        assertEquals(dir.resolve(Checkpoint.INDEX_FILE), c.indexFile().orElseThrow());
        assertTrue(c.describe().contains("2 shards"));
    }

    @Test
    void shardedTinyCheckpointHasEveryTensorOnce() {
        Path model = TinyCheckpoints.builder().shards(3).write(dir.resolve("m"));
        Checkpoint sharded = Checkpoint.open(model);
        Checkpoint single = Checkpoint.open(TinyCheckpoints.builder().write(dir.resolve("s")));
        assertEquals(3, sharded.files().size());
        assertEquals(single.tensors().keySet(), sharded.tensors().keySet());
        assertEquals(single.totalBytes(), sharded.totalBytes());
    }

    @Test
    void indexWinsOverASingleFile() throws IOException {
        twoShards();
        shard("z").write(dir.resolve("model.safetensors"));
        assertEquals(3, Checkpoint.open(dir).tensors().size());
    }

    @Test
    void neitherFile() throws IOException {
        Files.writeString(dir.resolve("pytorch_model.bin"), "x");
        assertLoadError(() -> Checkpoint.open(dir), "no model.safetensors or model.safetensors.index.json in " + dir);
    }

    @Test
    void missingFolder() {
        Path absent = dir.resolve("absent");
        assertLoadError(() -> Checkpoint.open(absent), absent.toString(), "does not exist");
    }

    @Test
    void missingShard() throws IOException {
        twoShards();
        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        assertLoadError(() -> Checkpoint.open(dir), "model-00002-of-00002.safetensors",
                dir.resolve(Checkpoint.INDEX_FILE).toString(), "does not exist");
    }

    @Test
    void tensorInTheWrongShard() throws IOException {
        twoShards();
        writeIndex(Map.of("a", "model-00001-of-00002.safetensors", "b", "model-00002-of-00002.safetensors",
                "c", "model-00002-of-00002.safetensors"));
        assertLoadError(() -> Checkpoint.open(dir), Checkpoint.INDEX_FILE, "maps tensor b to",
                "model-00002-of-00002.safetensors", "has no tensor b",
                "(it is in " + dir.resolve("model-00001-of-00002.safetensors"));
    }

    @Test
    void mappedTensorInNoShard() throws IOException {
        twoShards();
        writeIndex(Map.of("a", "model-00001-of-00002.safetensors", "b", "model-00001-of-00002.safetensors",
                "c", "model-00002-of-00002.safetensors", "d", "model-00002-of-00002.safetensors"));
        assertLoadError(() -> Checkpoint.open(dir), Checkpoint.INDEX_FILE, "maps tensor d", "has no tensor d");
    }

    @Test
    void tensorInTwoShards() throws IOException {
        twoShards();
        shard("c", "b").write(dir.resolve("model-00002-of-00002.safetensors"));
        assertLoadError(() -> Checkpoint.open(dir), "tensor b is in both",
                dir.resolve("model-00001-of-00002.safetensors").toString(),
                dir.resolve("model-00002-of-00002.safetensors").toString());
    }

    @Test
    void tensorMissingFromTheIndex() throws IOException {
        twoShards();
        shard("c", "extra").write(dir.resolve("model-00002-of-00002.safetensors"));
        assertLoadError(() -> Checkpoint.open(dir), "tensor extra in " + dir.resolve("model-00002-of-00002.safetensors"),
                "not in the weight_map of " + dir.resolve(Checkpoint.INDEX_FILE));
    }

    @Test
    void shardPathsMustStayInsideTheFolder() throws IOException {
        writeIndex(Map.of("a", "../outside.safetensors"));
        assertLoadError(() -> Checkpoint.open(dir), Checkpoint.INDEX_FILE, "maps a to \"../outside.safetensors\"",
                "not a file inside");
        writeIndex(Map.of("a", "/etc/passwd"));
        assertLoadError(() -> Checkpoint.open(dir), Checkpoint.INDEX_FILE, "/etc/passwd", "not a file inside");
    }

    @Test
    void malformedIndex() throws IOException {
        Path index = dir.resolve(Checkpoint.INDEX_FILE);
        Files.writeString(index, "{\"weight_map\": {\"a\": ");
        assertLoadError(() -> Checkpoint.open(dir), index.toString(), "not valid JSON");
        Files.writeString(index, "{\"metadata\": {}}");
        assertLoadError(() -> Checkpoint.open(dir), index.toString(), "\"weight_map\"");
        Files.writeString(index, "{\"weight_map\": {}}");
        assertLoadError(() -> Checkpoint.open(dir), index.toString(), "\"weight_map\" is empty");
        Files.writeString(index, "{\"weight_map\": {\"a\": 3}}");
        assertLoadError(() -> Checkpoint.open(dir), index.toString(), "maps a to 3");
    }

    @Test
    void aBadShardHeaderNamesTheShard() throws IOException {
        twoShards();
        shard("c").truncateTo(30).write(dir.resolve("model-00002-of-00002.safetensors"));
        assertLoadError(() -> Checkpoint.open(dir), dir.resolve("model-00002-of-00002.safetensors").toString(),
                "exceeds the file");
    }

    @Test
    void tensorsMapIsReadOnly() {
        shard("a").write(dir.resolve("model.safetensors"));
        Checkpoint c = Checkpoint.open(dir);
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
                () -> c.tensors().remove("a"));
    }
}
