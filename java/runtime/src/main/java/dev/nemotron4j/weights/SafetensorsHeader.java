package dev.nemotron4j.weights;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nemotron4j.ModelLoadException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The strictly checked header of one .safetensors file: {@code u64le N | N bytes of JSON | data}.
 * {@link #read} reads only the 8 + N header bytes, never the data, and refuses anything the native
 * loader could trip on: a header longer than the file, malformed entries, unsupported dtypes, sizes that
 * overflow, byte ranges that disagree with the shape, run past the file, or overlap. The format's
 * {@code __metadata__} entry is ignored. Gaps between tensors are allowed (harmless, and some writers
 * align tensors).
 *
 * @param file         the file read
 * @param fileSize     its size in bytes
 * @param headerLength N, the JSON header's length in bytes
 * @param tensors      the tensors in the order of their data in the file, with absolute offsets
 */
public record SafetensorsHeader(Path file, long fileSize, long headerLength, List<TensorInfo> tensors) {
    /** Headers larger than this are refused before being read (the 9B's is about 70 KiB). */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    private static final String METADATA_KEY = "__metadata__";

    private static final JsonMapper MAPPER = JsonMapper.builder()
            // a name declared twice would leave the native loader and this reader free to disagree
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Copies the tensor list, so that the record stays immutable. */
    public SafetensorsHeader {
        tensors = List.copyOf(tensors);
    }

    /** Absolute offset of the data section: 8 + N. */
    public long dataOffset() {
        return 8 + headerLength;
    }

    /** Bytes in the data section: file size − 8 − N. */
    public long dataLength() {
        return fileSize - dataOffset();
    }

    /**
     * Reads and checks the header of {@code file}.
     *
     * @throws ModelLoadException naming the file (and the tensor, when one entry is at fault)
     */
    public static SafetensorsHeader read(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            if (fileSize < 8) {
                throw new ModelLoadException(file + " is " + fileSize + " bytes, shorter than the 8-byte header "
                        + "length that starts a safetensors file: truncated or not a safetensors file");
            }
            long headerLength = readFully(channel, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            // a u64 past 2^63 reads as negative: it exceeds any file too
            if (headerLength < 0 || headerLength > fileSize - 8) {
                throw new ModelLoadException(file + ": header length " + Long.toUnsignedString(headerLength)
                        + " exceeds the file (size " + fileSize + "): truncated or not a safetensors file");
            }
            if (headerLength > MAX_HEADER_BYTES) {
                throw new ModelLoadException(file + ": header length " + headerLength + " exceeds the limit of "
                        + MAX_HEADER_BYTES + " bytes: not a safetensors file");
            }
            byte[] json = readFully(channel, 8, (int) headerLength).array();
            List<TensorInfo> tensors = parseEntries(parseJson(json, file), file, 8 + headerLength,
                    fileSize - 8 - headerLength);
            return new SafetensorsHeader(file, fileSize, headerLength, tensors);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + file + ": " + e, e);
        }
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("unexpected end of file at byte " + (position + buffer.position()));
            }
        }
        return buffer.flip();
    }

    private static JsonNode parseJson(byte[] json, Path file) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw new ModelLoadException("the header of " + file + " is not valid JSON" + where + ": "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ModelLoadException("cannot parse the header of " + file + ": " + e, e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelLoadException("the header of " + file + " is not a JSON object: not a safetensors file");
        }
        return root;
    }

    /** One entry before sorting: its info plus its relative [begin, end) in the data section. */
    private record Span(TensorInfo info, long begin, long end) {}

    private static List<TensorInfo> parseEntries(JsonNode root, Path file, long dataOffset, long dataLength) {
        List<Span> spans = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            if (!entry.getKey().equals(METADATA_KEY)) {
                spans.add(parseEntry(entry.getKey(), entry.getValue(), file, dataOffset, dataLength));
            }
        }
        spans.sort(Comparator.comparingLong(Span::begin).thenComparingLong(Span::end));
        checkNoOverlap(spans, file);
        List<TensorInfo> tensors = new ArrayList<>(spans.size());
        for (Span span : spans) {
            tensors.add(span.info());
        }
        return tensors;
    }

    private static Span parseEntry(String name, JsonNode spec, Path file, long dataOffset, long dataLength) {
        String where = "tensor " + name + " in " + file;
        if (!spec.isObject()) {
            throw new ModelLoadException(where + ": its header entry must be an object, got " + spec);
        }
        JsonNode dtypeNode = spec.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new ModelLoadException(where + ": \"dtype\" must be a string, got " + dtypeNode);
        }
        long[] shape = longs(spec.get("shape"), "shape", -1, where);
        long[] offsets = longs(spec.get("data_offsets"), "data_offsets", 2, where);
        String dtypeName = dtypeNode.textValue();
        TensorDType dtype = TensorDType.fromSafetensorsName(dtypeName).orElseThrow(() -> new ModelLoadException(
                where + " has dtype " + dtypeName + ", which nemotron4j does not load (supported: F32, F16, BF16)"));
        long bytes;
        try {
            bytes = Math.multiplyExact(TensorInfo.numel(shape), dtype.bytesPerElement());
        } catch (ArithmeticException e) {
            throw new ModelLoadException(where + ": shape " + TensorInfo.formatShape(shape) + " of " + dtypeName
                    + " overflows a 64-bit byte count");
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw new ModelLoadException(where + ": data_offsets [" + begin + ", " + end + "] begin after they end");
        }
        if (end > dataLength) {
            throw new ModelLoadException("tensor " + name + " ends at byte " + end + " but the data section of "
                    + file + " has only " + dataLength + " bytes: the file is truncated");
        }
        if (end - begin != bytes) {
            throw new ModelLoadException(where + ": shape " + TensorInfo.formatShape(shape) + " of " + dtypeName
                    + " needs " + bytes + " bytes but data_offsets [" + begin + ", " + end + "] hold "
                    + (end - begin));
        }
        return new Span(new TensorInfo(name, dtype, shape, file, dataOffset + begin, bytes), begin, end);
    }

    /** A JSON list of non-negative integers ({@code length} of them unless it is -1). */
    private static long[] longs(JsonNode node, String key, int length, String where) {
        if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) {
            String expected = length >= 0 ? "a list of " + length + " integers" : "a list of integers";
            throw new ModelLoadException(where + ": \"" + key + "\" must be " + expected + ", got " + node);
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode item = node.get(i);
            if (!item.isIntegralNumber() || !item.canConvertToLong() || item.longValue() < 0) {
                throw new ModelLoadException(where + ": \"" + key + "\" must hold non-negative integers, got " + node);
            }
            values[i] = item.longValue();
        }
        return values;
    }

    /** Spans sorted by begin overlap iff one begins before the furthest end seen so far. */
    private static void checkNoOverlap(List<Span> spans, Path file) {
        Span furthest = null;
        for (Span span : spans) {
            if (span.begin() == span.end()) {
                continue; // an empty tensor owns no bytes, wherever it points
            }
            if (furthest != null && span.begin() < furthest.end()) {
                throw new ModelLoadException("tensors " + furthest.info().name() + " [" + furthest.begin() + ", "
                        + furthest.end() + ") and " + span.info().name() + " [" + span.begin() + ", " + span.end()
                        + ") overlap in " + file);
            }
            if (furthest == null || span.end() > furthest.end()) {
                furthest = span;
            }
        }
    }
}
