package dev.nemotron4j.nativeapi;

import dev.nemotron4j.CacheFullException;
import dev.nemotron4j.InvalidRequestException;
import dev.nemotron4j.ModelLoadException;
import dev.nemotron4j.NemotronException;

/** Turns native status codes into the runtime's typed exceptions (by code, never by message text). */
final class NativeErrors {
    private NativeErrors() {}

    static void check(int status, NemotronNative.NtError error, String what) {
        if (status == NemotronNative.NT_OK) {
            return;
        }
        String message = what + ": " + error.message().getString();
        switch (status) {
            case NemotronNative.NT_BAD_CHECKPOINT, NemotronNative.NT_IO_ERROR -> throw new ModelLoadException(message);
            case NemotronNative.NT_UNSUPPORTED -> throw new NativeUnsupportedException(message);
            case NemotronNative.NT_INVALID_ARGUMENT -> throw new InvalidRequestException(message);
            case NemotronNative.NT_OUT_OF_MEMORY -> throw new NativeOutOfMemoryException(message);
            case NemotronNative.NT_CACHE_FULL -> throw new CacheFullException(message);
            default -> throw new NemotronException(message + " (native status " + status + ")");
        }
    }
}
