package dev.nemotron4j.nativeapi;

import dev.nemotron4j.NemotronException;

/** The native core could not allocate memory; the request may be retried with less load. */
public final class NativeOutOfMemoryException extends NemotronException {
    public NativeOutOfMemoryException(String message) {
        super(message);
    }
}
