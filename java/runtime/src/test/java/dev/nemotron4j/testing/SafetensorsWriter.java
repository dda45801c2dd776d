package dev.nemotron4j.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.weights.TensorDType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes .safetensors files for tests, valid by default, with hooks to make them hostile: a custom raw
 * header, a wrong header length, overridden offsets, dtypes or shapes, truncation, trailing bytes.
 * Tensors are laid out in the order added; the header is padded with spaces to a multiple of 8 bytes,
 * as the safetensors library does, so F32 data stays 4-byte aligned in the file.
 *
 * <pre>{@code
 * new SafetensorsWriter()
 *     .addF32("w", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6})
 *     .overrideOffsets("w", 0, 1000)   // runs past the data section
 *     .write(dir.resolve("model.safetensors"));
 * }</pre>
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final class Entry {
        String dtype;
        long[] shape;
        final byte[] data;
        long[] offsets; // null: computed from the layout

        Entry(String dtype, long[] shape, byte[] data) {
            this.dtype = dtype;
            this.shape = shape.clone();
            this.data = data.clone();
        }
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private String rawHeader;
    private Long headerLengthOverride;
    private Long truncateTo;
    private byte[] trailing = new byte[0];

    /** Adds a tensor with raw little-endian bytes; {@code dtype} is a safetensors name, supported or not. */
    public SafetensorsWriter add(String name, String dtype, long[] shape, byte[] data) {
        entries.put(name, new Entry(dtype, shape, data));
        return this;
    }

    /** Adds a tensor with raw little-endian bytes of a supported type. */
    public SafetensorsWriter add(String name, TensorDType dtype, long[] shape, byte[] data) {
        return add(name, dtype.safetensorsName(), shape, data);
    }

    /** Adds a tensor stored as {@code dtype} from float values (rounded to nearest even for F16/BF16). */
    public SafetensorsWriter add(String name, TensorDType dtype, long[] shape, float[] values) {
        return add(name, dtype, shape, encode(dtype, values));
    }

    /** Adds an F32 tensor. */
    public SafetensorsWriter addF32(String name, long[] shape, float[] values) {
        return add(name, TensorDType.F32, shape, values);
    }

    /** Adds a {@code __metadata__} entry (string → string, as the format requires). */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Writes this text as the header instead of the generated one (padding and length still computed). */
    public SafetensorsWriter rawHeader(String json) {
        this.rawHeader = json;
        return this;
    }

    /** Writes this value as the 8-byte header length instead of the true one. */
    public SafetensorsWriter headerLength(long n) {
        this.headerLengthOverride = n;
        return this;
    }

    /** Declares these data_offsets for a tensor instead of its place in the layout. */
    public SafetensorsWriter overrideOffsets(String name, long begin, long end) {
        entry(name).offsets = new long[] {begin, end};
        return this;
    }

    /** Declares this dtype for a tensor (its bytes stay as written). */
    public SafetensorsWriter overrideDtype(String name, String dtype) {
        entry(name).dtype = dtype;
        return this;
    }

    /** Declares this shape for a tensor (its bytes stay as written). */
    public SafetensorsWriter overrideShape(String name, long... shape) {
        entry(name).shape = shape.clone();
        return this;
    }

    /** Cuts the written file to this many bytes. */
    public SafetensorsWriter truncateTo(long size) {
        this.truncateTo = size;
        return this;
    }

    /** Appends these bytes after the data section. */
    public SafetensorsWriter trailing(byte[] bytes) {
        this.trailing = bytes.clone();
        return this;
    }

    /** The header JSON this writer would write (the raw one if set), before padding. */
    public String headerJson() {
        if (rawHeader != null) {
            return rawHeader;
        }
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            Entry t = e.getValue();
            ObjectNode spec = root.putObject(e.getKey());
            spec.put("dtype", t.dtype);
            ArrayNode shape = spec.putArray("shape");
            for (long d : t.shape) {
                shape.add(d);
            }
            long[] offsets = t.offsets != null ? t.offsets : new long[] {offset, offset + t.data.length};
            spec.putArray("data_offsets").add(offsets[0]).add(offsets[1]);
            offset += t.data.length;
        }
        return root.toString();
    }

    /** The whole file. */
    public byte[] toBytes() {
        byte[] header = headerJson().getBytes(StandardCharsets.UTF_8);
        int padded = (header.length + 7) / 8 * 8;
        long dataLength = 0;
        for (Entry t : entries.values()) {
            dataLength += t.data.length;
        }
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(8 + padded + dataLength + trailing.length))
                .order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(headerLengthOverride != null ? headerLengthOverride : padded);
        out.put(header);
        for (int i = header.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        for (Entry t : entries.values()) {
            out.put(t.data);
        }
        out.put(trailing);
        byte[] bytes = out.array();
        return truncateTo == null ? bytes : Arrays.copyOf(bytes, Math.toIntExact(truncateTo));
    }

    /** Writes the file (creating its folder) and returns its path. */
    public Path write(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.write(file, toBytes());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("no tensor " + name + " added");
        }
        return e;
    }

    /** Little-endian bytes of {@code values} stored as {@code dtype}. */
    public static byte[] encode(TensorDType dtype, float[] values) {
        ByteBuffer out = ByteBuffer.allocate(values.length * dtype.bytesPerElement()).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            switch (dtype) {
                case F32 -> out.putFloat(v);
                case BF16 -> out.putShort(FloatBits.toBf16(v));
                case F16 -> out.putShort(FloatBits.toF16(v));
            }
        }
        return out.array();
    }
}
