package dev.nemotron4j.chat.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ToolCallIdsTest {
    @Test
    void randomIdsLookLikeOpenAIsAndDoNotRepeat() {
        Supplier<String> ids = ToolCallIds.random();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = ids.get();
            assertTrue(id.matches("call_[A-Za-z0-9]{24}"), id);
            assertTrue(seen.add(id), id);
        }
    }

    @Test
    void twoRandomSourcesDoNotRepeatEachOther() {
        assertTrue(!ToolCallIds.random().get().equals(ToolCallIds.random().get()));
    }

    @Test
    void sequentialIdsCountPerSource() {
        Supplier<String> a = ToolCallIds.sequential();
        Supplier<String> b = ToolCallIds.sequential();
        assertEquals("call_0", a.get());
        assertEquals("call_1", a.get());
        assertEquals("call_0", b.get());
    }
}
