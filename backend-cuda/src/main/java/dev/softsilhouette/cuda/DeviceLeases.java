package dev.softsilhouette.cuda;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Reference-counted ownership of one opened device (its retained primary context and loaded modules): the first
 * {@link #acquire()} opens it, every holder closes its {@link Lease}, and the last close closes the device, which
 * unloads the modules and releases the primary context. A later {@code acquire()} opens it again (the kernel images
 * come from the cache, so that costs module loads, not compilations).
 *
 * @param <D> the opened device
 */
final class DeviceLeases<D> {
    private final Supplier<D> opener;
    private final Consumer<D> closer;
    private D device;
    private int holders;

    /**
     * @param opener opens the device (called by the first holder; a throw leaves nothing held)
     * @param closer closes it (called once, by the last holder)
     */
    DeviceLeases(Supplier<D> opener, Consumer<D> closer) {
        this.opener = Objects.requireNonNull(opener, "opener");
        this.closer = Objects.requireNonNull(closer, "closer");
    }

    /** A new holder of the device, opening it when nobody holds it. */
    synchronized Lease acquire() {
        if (holders == 0) {
            device = Objects.requireNonNull(opener.get(), "the opener returned no device");
        }
        holders++;
        return new Lease(device);
    }

    /** How many leases are open (0: the device is closed). */
    synchronized int holders() {
        return holders;
    }

    private synchronized void release() {
        holders--;
        if (holders == 0) {
            D closing = device;
            device = null;
            closer.accept(closing); // a failure here still leaves the count at 0: the next acquire opens afresh
        }
    }

    /** One holder's share of the device; closing it twice releases once. */
    final class Lease implements AutoCloseable {
        private final D device;
        private boolean closed;

        private Lease(D device) {
            this.device = device;
        }

        /** The device, valid until this lease is closed. */
        D device() {
            return device;
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            release();
        }
    }
}
