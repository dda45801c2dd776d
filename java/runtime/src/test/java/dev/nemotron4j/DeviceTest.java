package dev.nemotron4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Device}: the accepted spellings, their round trip, and errors that name the accepted forms. */
class DeviceTest {
    @Test
    void parsesEveryForm() {
        assertEquals(Device.CPU, Device.parse("cpu"));
        assertEquals(Device.AUTO, Device.parse("auto"));
        assertEquals(Device.cuda(0), Device.parse("cuda"));
        assertEquals(Device.cuda(0), Device.parse("cuda:0"));
        assertEquals(Device.cuda(3), Device.parse("cuda:3"));
        assertEquals(Device.cuda(12), Device.parse(" CUDA:12 "), "any case, spaces around ignored");
        assertEquals(new Device(Device.Kind.CUDA, 1), Device.cuda(1));
    }

    @Test
    void printsWhatItParses() {
        for (String text : List.of("cpu", "auto", "cuda:0", "cuda:7")) {
            assertEquals(text, Device.parse(text).toString());
            assertEquals(Device.parse(text), Device.parse(Device.parse(text).toString()));
        }
        assertEquals("cuda:0", Device.parse("cuda").toString());
    }

    @Test
    void rejectsAnythingElseNamingTheAcceptedForms() {
        for (String text : List.of("gpu", "cuda:-1", "cuda:x", "cuda:", "cuda0", "cuda:1:2", "cpu:0", "", "cuda:+1",
                "cuda:99999999999")) {
            var e = assertThrows(InvalidRequestException.class, () -> Device.parse(text), text);
            assertTrue(e.getMessage().contains("device must be cpu, cuda, cuda:N or auto"), e.getMessage());
            assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
        }
        assertTrue(assertThrows(InvalidRequestException.class, () -> Device.parse("cuda:-1")).getMessage()
                .contains("N is a device number"));
        assertThrows(InvalidRequestException.class, () -> Device.parse(null));
    }

    @Test
    void theConstructorChecksIndexAndKind() {
        assertThrows(InvalidRequestException.class, () -> Device.cuda(-1));
        assertThrows(InvalidRequestException.class, () -> new Device(Device.Kind.CPU, 1));
        assertThrows(InvalidRequestException.class, () -> new Device(Device.Kind.AUTO, 2));
        assertThrows(InvalidRequestException.class, () -> new Device(null, 0));
    }
}
