package dev.nemotron4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FloatBitsTest {
    @Test
    void bf16KnownValuesAndRounding() {
        assertEquals((short) 0x3F80, FloatBits.toBf16(1.0f));
        assertEquals((short) 0xC000, FloatBits.toBf16(-2.0f));
        // 1 + 2^-8 is exactly half-way between two bf16 values: ties to even (1.0)
        assertEquals((short) 0x3F80, FloatBits.toBf16(1.0f + 0x1p-8f));
        // 1 + 3 × 2^-8 ties between 0x3F81 and 0x3F82: to even, 0x3F82
        assertEquals((short) 0x3F82, FloatBits.toBf16(1.0f + 3 * 0x1p-8f));
        assertEquals((short) 0x3F81, FloatBits.toBf16(1.0f + 0x1p-8f + 0x1p-20f));
        assertEquals(Float.POSITIVE_INFINITY, FloatBits.fromBf16(FloatBits.toBf16(Float.POSITIVE_INFINITY)));
        assertTrue(Float.isNaN(FloatBits.fromBf16(FloatBits.toBf16(Float.NaN))));
        assertEquals(1.5f, FloatBits.fromBf16(FloatBits.toBf16(1.5f)));
    }

    @Test
    void f16KnownValuesAndRounding() {
        assertEquals((short) 0x3C00, FloatBits.toF16(1.0f));
        assertEquals((short) 0xC000, FloatBits.toF16(-2.0f));
        assertEquals((short) 0x7BFF, FloatBits.toF16(65504f));
        assertEquals((short) 0x7C00, FloatBits.toF16(65520f)); // rounds up past the largest finite value
        assertEquals((short) 0x0001, FloatBits.toF16(0x1p-24f)); // smallest subnormal
        assertEquals((short) 0x0000, FloatBits.toF16(0x1p-25f)); // half of it: ties to even, zero
        assertEquals((short) 0x0003, FloatBits.toF16(0x1.8p-23f)); // 1.5 × 2^-23 = 3 × 2^-24, exact
        assertEquals((short) 0x0400, FloatBits.toF16(0x1p-14f)); // smallest normal
        assertEquals((short) 0x3C00, FloatBits.toF16(1.0f + 0x1p-11f)); // tie to even
        assertEquals((short) 0x3C02, FloatBits.toF16(1.0f + 3 * 0x1p-11f)); // tie to even, upwards
        assertEquals((short) 0x8000, FloatBits.toF16(-0.0f));
        assertTrue(Float.isNaN(FloatBits.fromF16(FloatBits.toF16(Float.NaN))));
    }

    @Test
    void f16RoundTripsEveryFiniteHalf() {
        for (int h = 0; h < 0x10000; h++) {
            if ((h & 0x7C00) == 0x7C00) {
                continue; // inf / NaN
            }
            int bits = h;
            assertEquals((short) h, FloatBits.toF16(FloatBits.fromF16((short) h)), () -> Integer.toHexString(bits));
        }
    }
}
