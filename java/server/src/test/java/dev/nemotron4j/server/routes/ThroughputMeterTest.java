package dev.nemotron4j.server.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nemotron4j.EngineCounters;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Tokens per second between readings, on a hand-driven clock and counters. */
class ThroughputMeterTest {
    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final AtomicReference<EngineCounters> counters = new AtomicReference<>(new EngineCounters(0, 0, 100, 7));
    private final ThroughputMeter meter = new ThroughputMeter(counters::get, nanos::get);

    private void advance(double seconds, long prefill, long sampled) {
        nanos.addAndGet((long) (seconds * 1e9));
        EngineCounters c = counters.get();
        counters.set(new EngineCounters(c.feedCalls(), c.tokensFed(), c.prefillTokens() + prefill,
                c.tokensSampled() + sampled));
    }

    @Test
    void ratesAreTheTokensSinceTheLastReadingOverItsTime() {
        advance(2, 400, 60);
        assertEquals(new ThroughputMeter.Rates(200, 30), meter.read(), "counted from the meter's start, not from 0");
        advance(4, 0, 100);
        assertEquals(new ThroughputMeter.Rates(0, 25), meter.read());
    }

    @Test
    void readingsCloserThanTheWindowRepeatTheLastRates() {
        advance(1, 50, 10);
        ThroughputMeter.Rates first = meter.read();
        assertEquals(new ThroughputMeter.Rates(50, 10), first);
        advance(0.5, 1000, 1000);
        assertEquals(first, meter.read(), "half a second is too short a window");
        advance(0.5, 0, 0);
        assertEquals(new ThroughputMeter.Rates(1000, 1000), meter.read(), "the whole second since the last reading");
    }
}
