package dev.nemotron4j.weights;

import static dev.nemotron4j.testing.LoadErrors.assertLoadError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nemotron4j.testing.SafetensorsWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading one safetensors header: the valid layout, and every way a hostile file is refused by name. */
class SafetensorsHeaderTest {
    @TempDir
    Path dir;

    /** Two tensors: a [2, 3] F32 (24 bytes) then a [4] BF16 (8 bytes). */
    private SafetensorsWriter twoTensors() {
        return new SafetensorsWriter()
                .metadata("format", "pt")
                .addF32("a", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6})
                .add("b", TensorDType.BF16, new long[] {4}, new float[] {1, 2, 3, 4});
    }

    private Path file() {
        return dir.resolve("model.safetensors");
    }

    @Test
    void readsTensorsWithAbsoluteOffsets() throws IOException {
        Path file = twoTensors().write(file());
        SafetensorsHeader header = SafetensorsHeader.read(file);
        long n = header.headerLength();
        assertEquals(0, n % 8, "the writer pads the header to 8 bytes");
        assertEquals(Files.size(file), header.fileSize());
        assertEquals(8 + n, header.dataOffset());
        assertEquals(32, header.dataLength());
        List<TensorInfo> tensors = header.tensors();
        assertEquals(2, tensors.size(), "__metadata__ is not a tensor");
        TensorInfo a = tensors.get(0);
        assertEquals("a", a.name());
        assertEquals(TensorDType.F32, a.dtype());
        assertArrayEquals(new long[] {2, 3}, a.shape());
        assertEquals(file, a.file());
        assertEquals(8 + n, a.offset());
        assertEquals(24, a.byteLength());
        assertEquals(6, a.numel());
        TensorInfo b = tensors.get(1);
        assertEquals(TensorDType.BF16, b.dtype());
        assertEquals(8 + n + 24, b.offset());
        assertEquals(8, b.byteLength());
        // the bytes at the offset are the tensor's: 1.0f little-endian
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1.0f, bytes.getFloat((int) a.offset()));
        assertEquals(6.0f, bytes.getFloat((int) a.offset() + 20));
    }

    @Test
    void tensorsComeInDataOrderWhateverTheHeaderOrder() {
        Path file = twoTensors().overrideOffsets("a", 8, 32).overrideOffsets("b", 0, 8).write(file());
        List<TensorInfo> tensors = SafetensorsHeader.read(file).tensors();
        assertEquals("b", tensors.get(0).name());
        assertEquals("a", tensors.get(1).name());
    }

    @Test
    void acceptsScalarsEmptyTensorsGapsAndTrailingBytes() {
        Path file = new SafetensorsWriter()
                .addF32("scalar", new long[] {}, new float[] {3})
                .addF32("empty", new long[] {0, 5}, new float[] {})
                .addF32("after_gap", new long[] {1}, new float[] {1})
                .overrideOffsets("after_gap", 8, 12)
                .trailing(new byte[16])
                .write(file());
        List<TensorInfo> tensors = SafetensorsHeader.read(file).tensors();
        assertEquals(3, tensors.size());
        assertEquals(1, tensors.get(0).numel());
    }

    @Test
    void zeroLengthFile() throws IOException {
        Path file = Files.write(file(), new byte[0]);
        assertLoadError(() -> SafetensorsHeader.read(file), file.toString(), "0 bytes", "not a safetensors file");
    }

    @Test
    void fileShorterThanTheLengthField() throws IOException {
        Path file = Files.write(file(), new byte[] {1, 2, 3});
        assertLoadError(() -> SafetensorsHeader.read(file), file.toString(), "3 bytes");
    }

    @Test
    void headerLengthBeyondTheFile() {
        Path file = twoTensors().headerLength(1_000_000).write(file());
        assertLoadError(() -> SafetensorsHeader.read(file), file.toString(), "header length 1000000 exceeds the file",
                "truncated or not a safetensors file");
    }

    @Test
    void headerLengthWithTheTopBitSet() {
        Path file = twoTensors().headerLength(-2).write(file());
        assertLoadError(() -> SafetensorsHeader.read(file), file.toString(), "header length 18446744073709551614");
    }

    @Test
    void headerLengthOverTheLimitIsNotRead() throws IOException {
        // a sparse 200 MiB file whose first 8 bytes claim a 150 MiB header
        Path file = file();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(150L << 20).array());
            raf.setLength(200L << 20);
        }
        assertLoadError(() -> SafetensorsHeader.read(file), file.toString(), "header length " + (150L << 20),
                "limit");
    }

    @Test
    void truncatedFile() {
        SafetensorsWriter writer = twoTensors();
        long full = writer.toBytes().length;
        Path file = writer.truncateTo(full - 4).write(file());
        assertLoadError(() -> SafetensorsHeader.read(file), "tensor b ends at byte 32", file.toString(),
                "only 28 bytes", "the file is truncated");
    }

    @Test
    void fileCutInsideTheHeader() {
        Path file = twoTensors().truncateTo(20).write(file());
        assertLoadError(() -> SafetensorsHeader.read(file), file.toString(), "exceeds the file (size 20)");
    }

    @Test
    void offsetsBeyondTheFile() {
        Path file = twoTensors().overrideOffsets("b", 24, 1_000_024).write(file());
        assertLoadError(() -> SafetensorsHeader.read(file), "tensor b ends at byte 1000024", file.toString(),
                "the file is truncated");
    }

    @Test
    void offsetsBackwards() {
        Path file = twoTensors().overrideOffsets("a", 24, 0).write(file());
        assertLoadError(() -> SafetensorsHeader.read(file), "tensor a in " + file, "[24, 0]");
    }

    @Test
    void byteCountDisagreesWithShape() {
        Path file = twoTensors().overrideShape("a", 2, 2).write(file());
        assertLoadError(() -> SafetensorsHeader.read(file), "tensor a in " + file, "[2, 2]", "needs 16 bytes",
                "hold 24");
    }

    @Test
    void overlappingTensorsAreBothNamed() {
        Path file = new SafetensorsWriter()
                .addF32("first", new long[] {4}, new float[4])
                .addF32("second", new long[] {4}, new float[4])
                .addF32("third", new long[] {1}, new float[1])
                .overrideOffsets("second", 8, 24)
                .write(file());
        assertLoadError(() -> SafetensorsHeader.read(file), "first", "second", "overlap in " + file);
    }

    @Test
    void nestedTensorsOverlap() {
        Path file = new SafetensorsWriter()
                .addF32("big", new long[] {8}, new float[8])
                .addF32("small", new long[] {1}, new float[1])
                .overrideOffsets("small", 0, 4)
                .write(file());
        assertLoadError(() -> SafetensorsHeader.read(file), "big", "small", "overlap in " + file);
    }

    @ParameterizedTest
    @ValueSource(strings = {"F64", "I8", "U8", "F8_E4M3", "F8_E5M2", "BOOL", "I64", "I32", "bf16"})
    void unsupportedDtypesAreNamed(String dtype) {
        Path file = new SafetensorsWriter().add("w", dtype, new long[] {8}, new byte[8]).write(file());
        assertLoadError(() -> SafetensorsHeader.read(file), "tensor w in " + file, "dtype " + dtype,
                "F32, F16, BF16");
    }

    @Test
    void invalidJsonHeader() {
        Path file = twoTensors().rawHeader("{\"a\": {\"dtype\": \"F32\",").write(file());
        assertLoadError(() -> SafetensorsHeader.read(file), "header of " + file, "not valid JSON", "line 1");
    }

    @Test
    void trailingGarbageAfterTheHeaderObject() {
        Path file = twoTensors().rawHeader("{} {}").write(file());
        assertLoadError(() -> SafetensorsHeader.read(file), "header of " + file, "not valid JSON");
    }

    @Test
    void headerThatIsNotAnObject() {
        Path file = twoTensors().rawHeader("[1, 2, 3]").write(file());
        assertLoadError(() -> SafetensorsHeader.read(file), "header of " + file, "not a JSON object");
    }

    @Test
    void duplicateTensorNamesInOneHeader() {
        String entry = "{\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}";
        Path file = new SafetensorsWriter().addF32("x", new long[] {2}, new float[2])
                .rawHeader("{\"w\": " + entry + ", \"w\": " + entry + "}").write(file());
        assertLoadError(() -> SafetensorsHeader.read(file), file.toString(), "Duplicate", "'w'");
    }

    @Test
    void malformedEntriesNameTheTensorAndKey() {
        String[][] cases = {
            {"{\"w\": 5}", "must be an object"},
            {"{\"w\": {\"shape\": [1], \"data_offsets\": [0, 4]}}", "\"dtype\" must be a string"},
            {"{\"w\": {\"dtype\": 7, \"shape\": [1], \"data_offsets\": [0, 4]}}", "\"dtype\" must be a string"},
            {"{\"w\": {\"dtype\": \"F32\", \"data_offsets\": [0, 4]}}", "\"shape\" must be a list of integers"},
            {"{\"w\": {\"dtype\": \"F32\", \"shape\": \"1\", \"data_offsets\": [0, 4]}}", "\"shape\""},
            {"{\"w\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}", "non-negative"},
            {"{\"w\": {\"dtype\": \"F32\", \"shape\": [1.5], \"data_offsets\": [0, 4]}}", "non-negative integers"},
            {"{\"w\": {\"dtype\": \"F32\", \"shape\": [1]}}", "\"data_offsets\" must be a list of 2 integers"},
            {"{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4, 8]}}", "\"data_offsets\""},
            {"{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [-4, 0]}}", "non-negative"},
            {"{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 1e30]}}", "\"data_offsets\""},
        };
        for (String[] c : cases) {
            Path file = new SafetensorsWriter().addF32("x", new long[] {2}, new float[2]).rawHeader(c[0]).write(file());
            assertLoadError(() -> SafetensorsHeader.read(file), "tensor w in " + file, c[1]);
        }
    }

    @Test
    void shapeWhoseSizeOverflows() {
        String header = "{\"w\": {\"dtype\": \"F32\", \"shape\": [4294967296, 4294967296], \"data_offsets\": [0, 4]}}";
        Path file = new SafetensorsWriter().addF32("x", new long[] {1}, new float[1]).rawHeader(header).write(file());
        assertLoadError(() -> SafetensorsHeader.read(file), "tensor w in " + file, "overflows");
        String bytes = "{\"w\": {\"dtype\": \"F32\", \"shape\": [4611686018427387904], \"data_offsets\": [0, 4]}}";
        Path file2 = new SafetensorsWriter().addF32("x", new long[] {1}, new float[1]).rawHeader(bytes).write(file());
        assertLoadError(() -> SafetensorsHeader.read(file2), "tensor w in " + file2, "overflows");
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("absent.safetensors");
        assertLoadError(() -> SafetensorsHeader.read(file), "cannot read " + file);
    }
}
