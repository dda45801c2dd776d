package dev.nemotron4j.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.ModelLoadException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A golden file pair in the format of the reference fixtures: {@code golden.json} (the case list) and
 * {@code golden.safetensors} (F32 logits, I64 token ids). Read whole into memory: goldens are small
 * test data, unlike checkpoints (see {@link dev.nemotron4j.weights.SafetensorsHeader}).
 */
public final class GoldenFile {
    private static final long MAX_BYTES = 1L << 30;

    /** One case of golden.json. */
    public record Case(String name, String kind) {}

    private record Entry(String dtype, long[] shape, int begin, int end) {}

    private final Path source;
    private final String modelName;
    private final List<Case> cases;
    private final Map<String, Entry> entries;
    private final ByteBuffer data;

    private GoldenFile(Path source, String modelName, List<Case> cases, Map<String, Entry> entries, ByteBuffer data) {
        this.source = source;
        this.modelName = modelName;
        this.cases = List.copyOf(cases);
        this.entries = entries;
        this.data = data;
    }

    /** Reads from a folder holding golden.json + golden.safetensors, or from either file's path. */
    public static GoldenFile read(Path path) {
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        Path json = dir.resolve("golden.json");
        Path tensors = dir.resolve("golden.safetensors");
        for (Path p : List.of(json, tensors)) {
            if (!Files.isRegularFile(p)) {
                throw new ModelLoadException("golden file " + p + " is missing (a golden is golden.json + golden.safetensors)");
            }
        }
        try {
            ObjectMapper mapper = new ObjectMapper();
            JsonNode meta = mapper.readTree(json.toFile());
            List<Case> cases = new ArrayList<>();
            for (JsonNode c : meta.path("cases")) {
                cases.add(new Case(c.path("name").asText(), c.path("kind").asText()));
            }
            if (cases.isEmpty()) {
                throw new ModelLoadException(json + " lists no cases");
            }
            long size = Files.size(tensors);
            if (size > MAX_BYTES) {
                throw new ModelLoadException(tensors + " is larger than " + MAX_BYTES + " bytes");
            }
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(tensors)).order(ByteOrder.LITTLE_ENDIAN);
            return parse(json, meta.path("model").asText(""), cases, tensors, bytes);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read golden " + dir + ": " + e.getMessage(), e);
        }
    }

    private static GoldenFile parse(Path json, String model, List<Case> cases, Path file, ByteBuffer bytes)
            throws IOException {
        if (bytes.capacity() < 8) {
            throw new ModelLoadException(file + " is too short to be a safetensors file");
        }
        long headerLength = bytes.getLong(0);
        if (headerLength < 2 || headerLength > bytes.capacity() - 8) {
            throw new ModelLoadException(file + ": header length " + headerLength + " exceeds the file");
        }
        int dataStart = 8 + (int) headerLength;
        String header = new String(bytes.array(), 8, (int) headerLength, StandardCharsets.UTF_8);
        JsonNode root = new ObjectMapper().readTree(header);
        Map<String, Entry> entries = new HashMap<>();
        var fields = root.fields();
        while (fields.hasNext()) {
            var f = fields.next();
            if (f.getKey().equals("__metadata__")) {
                continue;
            }
            JsonNode t = f.getValue();
            long[] shape = new long[t.path("shape").size()];
            long numel = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.path("shape").get(i).asLong();
                numel = Math.multiplyExact(numel, shape[i]);
            }
            String dtype = t.path("dtype").asText();
            long begin = t.path("data_offsets").path(0).asLong(-1);
            long end = t.path("data_offsets").path(1).asLong(-1);
            int width = switch (dtype) {
                case "F32" -> 4;
                case "I64" -> 8;
                default -> throw new ModelLoadException(file + ": golden tensor " + f.getKey() + " has dtype "
                        + dtype + "; goldens hold F32 and I64 only");
            };
            if (begin < 0 || end < begin || dataStart + end > bytes.capacity() || end - begin != numel * width) {
                throw new ModelLoadException(file + ": golden tensor " + f.getKey() + " has bad data_offsets");
            }
            entries.put(f.getKey(), new Entry(dtype, shape, dataStart + (int) begin, dataStart + (int) end));
        }
        return new GoldenFile(json.getParent(), model, cases, entries, bytes);
    }

    public Path source() {
        return source;
    }

    /** The "model" field of golden.json (may be empty). */
    public String modelName() {
        return modelName;
    }

    public List<Case> cases() {
        return cases;
    }

    public boolean has(String name) {
        return entries.containsKey(name);
    }

    public long[] shape(String name) {
        return entry(name, null).shape.clone();
    }

    /** An I64 tensor as int token ids. */
    public int[] ids(String name) {
        Entry e = entry(name, "I64");
        int[] out = new int[(e.end - e.begin) / 8];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.toIntExact(data.getLong(e.begin + 8 * i));
        }
        return out;
    }

    /** An F32 tensor, flattened. */
    public float[] floats(String name) {
        Entry e = entry(name, "F32");
        float[] out = new float[(e.end - e.begin) / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = data.getFloat(e.begin + 4 * i);
        }
        return out;
    }

    private Entry entry(String name, String dtype) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new ModelLoadException("golden " + source + " has no tensor " + name);
        }
        if (dtype != null && !e.dtype.equals(dtype)) {
            throw new ModelLoadException("golden tensor " + name + " is " + e.dtype + ", expected " + dtype);
        }
        return e;
    }
}
