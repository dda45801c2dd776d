package dev.nemotron4j.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nemotron4j.ModelLoadException;
import org.junit.jupiter.api.function.Executable;

/** Assertions on load errors: the call fails with a {@link ModelLoadException} whose message names what it must. */
public final class LoadErrors {
    private LoadErrors() {}

    /**
     * Asserts that {@code call} throws a ModelLoadException whose message contains every fragment
     * (the offending file, key or tensor, and the problem), and returns it.
     */
    public static ModelLoadException assertLoadError(Executable call, String... fragments) {
        ModelLoadException e = assertThrows(ModelLoadException.class, call);
        String message = e.getMessage();
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment),
                    () -> "message should contain \"" + fragment + "\" but was: " + message);
        }
        return e;
    }
}
