package dev.nemotron4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.nemotron4j.engine.EngineStats;
import dev.nemotron4j.server.routes.ThroughputMeter;
import org.junit.jupiter.api.Test;

/** The periodic stats line: quiet when idle, readable when not. */
class StatsLogTest {
    private static EngineStats stats(int running, int waiting) {
        return new EngineStats(running, waiting, 0, 0, 0, 0, 0, 0, 8, 6, 100, 75, 0, 0);
    }

    @Test
    void anIdleIntervalLogsNothing() {
        assertNull(StatsLog.line(new ThroughputMeter.Rates(0, 0), stats(0, 0)));
    }

    @Test
    void aBusyIntervalSaysRatesRequestsAndCacheUse() {
        assertEquals("120.5 prompt tokens/s, 33.0 generated tokens/s; 2 running, 1 waiting; KV cache 25.0 %, "
                + "state slots 25.0 % in use", StatsLog.line(new ThroughputMeter.Rates(120.5, 33), stats(2, 1)));
        assertEquals("0.0 prompt tokens/s, 0.0 generated tokens/s; 0 running, 3 waiting; KV cache 25.0 %, "
                + "state slots 25.0 % in use", StatsLog.line(new ThroughputMeter.Rates(0, 0), stats(0, 3)),
                "a queue with nothing running is worth a line");
    }
}
