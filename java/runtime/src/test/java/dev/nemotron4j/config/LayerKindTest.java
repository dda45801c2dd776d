package dev.nemotron4j.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LayerKindTest {
    @Test
    void symbolsRoundTrip() {
        for (LayerKind kind : LayerKind.values()) {
            assertEquals(Optional.of(kind), LayerKind.fromSymbol(kind.symbol()));
            assertEquals(Optional.of(kind), LayerKind.fromBlockType(kind.blockType()));
        }
        assertEquals("M*-E", LayerKind.pattern(List.of(LayerKind.values())));
        assertEquals(Optional.empty(), LayerKind.fromSymbol('X'));
    }

    @Test
    void blockTypesAcceptTheReferenceAliases() {
        assertEquals(Optional.of(LayerKind.MAMBA), LayerKind.fromBlockType("linear_attention"));
        assertEquals(Optional.of(LayerKind.ATTENTION), LayerKind.fromBlockType("full_attention"));
        assertEquals(Optional.empty(), LayerKind.fromBlockType("Mamba"));
        assertEquals(Optional.empty(), LayerKind.fromBlockType("sliding_attention"));
    }
}
