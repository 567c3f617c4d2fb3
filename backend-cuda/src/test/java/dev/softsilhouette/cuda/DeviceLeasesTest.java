package dev.softsilhouette.cuda;

import dev.softsilhouette.Metric;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The device's context and modules live exactly as long as a backend holds them: opened by the first holder,
 * closed (modules unloaded, primary context released) by the last, opened again by a later one. Recorded with a
 * fake opener and closer, and with {@link CudaBackend#on} on a stand-in device (no GPU: no workspace is ever made).
 */
class DeviceLeasesTest {
    private final List<String> log = new ArrayList<>();
    private int opened;

    private DeviceLeases<String> leases() {
        return new DeviceLeases<>(() -> {
            String device = "device#" + ++opened;
            log.add("open " + device);
            return device;
        }, device -> log.add("close " + device));
    }

    @Test
    void theLastHolderClosesTheDeviceAndALaterOneReopensIt() {
        DeviceLeases<String> leases = leases();
        DeviceLeases<String>.Lease first = leases.acquire();
        DeviceLeases<String>.Lease second = leases.acquire();
        assertSame(first.device(), second.device());
        first.close();
        assertEquals(List.of("open device#1"), log, "another holder keeps it open");
        first.close(); // a second close of the same lease releases nothing
        assertEquals(1, leases.holders());
        second.close();
        assertEquals(List.of("open device#1", "close device#1"), log);
        assertEquals(0, leases.holders());
        try (DeviceLeases<String>.Lease third = leases.acquire()) {
            assertEquals("device#2", third.device());
        }
        assertEquals(List.of("open device#1", "close device#1", "open device#2", "close device#2"), log);
    }

    @Test
    void aFailedOpenHoldsNothing() {
        DeviceLeases<String> leases = new DeviceLeases<>(() -> {
            throw new IllegalStateException("cuModuleLoadData failed");
        }, device -> log.add("close " + device));
        assertThrows(IllegalStateException.class, leases::acquire);
        assertEquals(0, leases.holders());
        assertEquals(List.of(), log);
    }

    @Test
    void aFailedCloseStillLetsTheNextHolderOpenAfresh() {
        DeviceLeases<String> leases = new DeviceLeases<>(() -> "device#" + ++opened, device -> {
            log.add("close " + device);
            throw new IllegalStateException("cuDevicePrimaryCtxRelease failed");
        });
        DeviceLeases<String>.Lease lease = leases.acquire();
        assertThrows(IllegalStateException.class, lease::close);
        assertEquals(0, leases.holders());
        assertEquals("device#2", leases.acquire().device());
    }

    @Test
    void closingBackendsReleasesTheDeviceOnceAfterTheLastOne() {
        List<CudaDevice> closed = new ArrayList<>();
        DeviceLeases<CudaDevice> leases = new DeviceLeases<>(
                () -> new CudaDevice(0, 0, "stand-in", 9, 0, 132, 1L << 30, 13000, null), closed::add);
        dev.softsilhouette.spi.SilhouetteBackend a = onStandIn(leases.acquire());
        dev.softsilhouette.spi.SilhouetteBackend b = onStandIn(leases.acquire());
        assertEquals(2, leases.holders());
        a.close();
        a.close();
        assertEquals(List.of(), closed, "the second backend still holds the device");
        b.close();
        assertEquals(1, closed.size());
        assertEquals(0, leases.holders());
        try (Arena arena = Arena.ofConfined()) {
            int[] order = {0, 1, 2, 3};
            var batch = new dev.softsilhouette.spi.PreparedBatch(arena.allocate(4L * 2 * Float.BYTES), 4, 2, 2,
                    new int[] {0, 0, 1, 1}, order, order, new int[] {0, 2, 4});
            assertThrows(IllegalStateException.class,
                    () -> a.silhouettesAndGradient(batch, Metric.EUCLIDEAN, 0.0, 1.0, null, null, null));
        }
        dev.softsilhouette.spi.SilhouetteBackend c = onStandIn(leases.acquire());
        assertEquals(1, leases.holders(), "a later backend opens the device again");
        c.close();
        assertEquals(2, closed.size());
    }

    /** A backend on the stand-in device; its ports are never made (no call here reaches a strategy). */
    private static dev.softsilhouette.spi.SilhouetteBackend onStandIn(DeviceLeases<CudaDevice>.Lease lease) {
        return CudaBackend.on(lease, dev.softsilhouette.cuda.engine.strategies.StrategyChoice.of("auto", 1L << 30, null),
                dev.softsilhouette.cuda.engine.sgemm.GramChunkPlan.DEFAULT_BUDGET_BYTES,
                device -> { throw new AssertionError("no port"); }, device -> { throw new AssertionError("no port"); });
    }
}
