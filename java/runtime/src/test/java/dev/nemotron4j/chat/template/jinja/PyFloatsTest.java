package dev.nemotron4j.chat.template.jinja;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Python's repr(float), which tojson and {{ x }} print; every expected string is CPython 3.11's. */
class PyFloatsTest {
    @Test
    void shortestRoundTripDigitsInPythonNotation() {
        assertEquals("0.1", PyFloats.repr(0.1));
        assertEquals("0.30000000000000004", PyFloats.repr(0.1 + 0.2));
        assertEquals("100.0", PyFloats.repr(100.0));
        assertEquals("1000000000000000.0", PyFloats.repr(1e15));
        assertEquals("1e+16", PyFloats.repr(1e16));
        assertEquals("0.0001", PyFloats.repr(0.0001));
        assertEquals("1e-05", PyFloats.repr(0.00001));
        assertEquals("1.5e+300", PyFloats.repr(1.5e300));
        assertEquals("5e-324", PyFloats.repr(Double.MIN_VALUE));
        assertEquals("1.7976931348623157e+308", PyFloats.repr(Double.MAX_VALUE));
        assertEquals("-0.0", PyFloats.repr(-0.0));
        assertEquals("123456789.125", PyFloats.repr(123456789.125));
        assertEquals("inf", PyFloats.repr(Double.POSITIVE_INFINITY));
        assertEquals("nan", PyFloats.repr(Double.NaN));
        // Java 17's Double.toString gives 2.0E-3 / 1.0E23; Python writes these
        assertEquals("0.002", PyFloats.repr(0.002));
        assertEquals("1e+23", PyFloats.repr(1e23));
    }
}
