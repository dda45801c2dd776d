package dev.nemotron4j.weights;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Where one tensor's bytes lie, as a safetensors header declares them (and {@link SafetensorsHeader}
 * has checked against the file's size). The native loader maps {@code file} and reads
 * {@code byteLength} bytes at {@code offset}, re-validating both.
 *
 * @param name       the tensor's name, e.g. {@code backbone.layers.0.mixer.in_proj.weight}
 * @param dtype      the stored element type
 * @param shape      dimensions, outermost first (PyTorch order); copied in and out
 * @param file       the .safetensors file that holds it
 * @param offset     absolute byte offset of the data in {@code file}: 8 + header length + data_offsets[0]
 * @param byteLength numel × bytes per element
 */
public record TensorInfo(String name, TensorDType dtype, long[] shape, Path file, long offset, long byteLength) {

    /** Copies {@code shape}, so that the record stays immutable. */
    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(file, "file");
        shape = shape.clone();
    }

    /** A copy of the dimensions, outermost first. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The number of elements: the product of the dimensions (1 for a scalar). */
    public long numel() {
        return numel(shape);
    }

    /** Records compare arrays by identity; tensors compare by their shape's contents. */
    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && file.equals(t.file)
                && offset == t.offset && byteLength == t.byteLength;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), file, offset, byteLength);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + formatShape(shape) + " @" + offset + "+" + byteLength + " in " + file;
    }

    /** The product of the dimensions; throws ArithmeticException on overflow. */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** A shape as error messages print it: {@code [328, 64]}. */
    public static String formatShape(long[] shape) {
        return Arrays.toString(shape);
    }
}
