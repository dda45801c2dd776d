package dev.nemotron4j;

/**
 * The cache has no free Mamba state slot or KV block right now. The engine waits or preempts instead of
 * surfacing this; direct {@link Sequence} users see it when they hold more sequences than the cache
 * was sized for ({@link ModelOptions.Builder#cacheMemory}, {@link ModelOptions.Builder#stateSlots}).
 */
public class CacheFullException extends NemotronException {
    public CacheFullException(String message) {
        super(message);
    }
}
