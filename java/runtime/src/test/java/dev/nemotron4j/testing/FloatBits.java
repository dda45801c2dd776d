package dev.nemotron4j.testing;

/**
 * float ↔ bfloat16 / binary16 bit conversions for writing and reading test tensors, rounding to nearest
 * even as PyTorch and numpy do (so a BF16 checkpoint written here holds the values a Python tool would
 * write). Java 17 has no {@code Float.floatToFloat16} (it arrived in Java 20).
 */
public final class FloatBits {
    private FloatBits() {}

    /** bfloat16 bits of {@code f}: the upper 16 bits of its binary32, rounded to nearest even. */
    public static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40); // keep it a NaN after dropping the low mantissa bits
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** The float a bfloat16 stands for (exact). */
    public static float fromBf16(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xFFFF) << 16);
    }

    /** IEEE binary16 bits of {@code f}, rounded to nearest even; overflow gives ±infinity. */
    public static short toF16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xFF;
        int mant = bits & 0x7FFFFF;
        if (exp == 0xFF) { // infinity or NaN
            return (short) (sign | 0x7C00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
        }
        int e = exp - 127 + 15; // the binary16 biased exponent
        if (e >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (e <= 0) { // a binary16 subnormal (or zero): value = m × 2^-24
            if (e < -10) {
                return (short) sign; // below half the smallest subnormal
            }
            int full = mant | 0x800000;
            int shift = 14 - e;
            return (short) (sign | roundShift(full, shift));
        }
        // a carry out of the mantissa correctly bumps the exponent (up to infinity)
        return (short) (sign | ((e << 10) + roundShift(mant, 13)));
    }

    /** The float a binary16 stands for (exact). */
    public static float fromF16(short f16) {
        int h = f16 & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /** {@code value >> shift}, rounded to nearest even on the bits shifted out. */
    private static int roundShift(int value, int shift) {
        int kept = value >>> shift;
        int rest = value & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (rest > half || (rest == half && (kept & 1) == 1)) {
            kept++;
        }
        return kept;
    }
}
