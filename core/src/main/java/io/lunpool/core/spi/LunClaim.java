package io.lunpool.core.spi;

/**
 * An exclusive hold on one LUN for one chore, granted by {@link StorageArray#tryClaim}. While it is held no other
 * holder, in this process or any other, gets a claim on the same LUN. Closing it gives the LUN back; closing twice
 * is harmless. A claim also ends when the process holding it dies (the array or the kernel sees to that), so a
 * killed control plane never keeps a LUN from the next one.
 */
public interface LunClaim extends AutoCloseable {
    String wwn();

    /** Who holds it, as given to {@link StorageArray#tryClaim}: the leader term, for logs. */
    String owner();

    @Override
    void close();
}
