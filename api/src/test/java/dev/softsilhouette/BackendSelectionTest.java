package dev.softsilhouette;

import dev.softsilhouette.fakes.CountingFakeProvider;
import dev.softsilhouette.fakes.ThrowingProbeFakeProvider;
import dev.softsilhouette.fakes.UnavailableFakeProvider;
import dev.softsilhouette.spi.Availability;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SPEC section 10 with two test doubles on the class path (see {@code src/test/resources/META-INF/services}):
 * {@code unavailable-fake} (priority 1000, unavailable with a reason and a cause), {@code throwing-fake}
 * (priority 500, its probe throws), {@code counting-fake} (priority -1, available; see {@link LeaseLifecycleTest})
 * and {@code device-fake} (priority -1, available; see {@link DeviceResidentCallsTest}).
 */
class BackendSelectionTest {

    @AfterEach
    void clearProperty() {
        System.clearProperty(Backends.PROPERTY);
    }

    private static BackendInfo info(String name) {
        return Backends.list().stream().filter(i -> i.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not listed: " + Backends.list()));
    }

    @Test
    void listsEveryProviderHighestPriorityFirstWithAvailability() {
        List<BackendInfo> list = Backends.list();
        assertEquals(List.of(UnavailableFakeProvider.NAME, ThrowingProbeFakeProvider.NAME, "reference",
                        CountingFakeProvider.NAME, dev.softsilhouette.fakes.DeviceResidentFakeProvider.NAME),
                list.stream().map(BackendInfo::name).toList());
        BackendInfo reference = info("reference");
        assertTrue(reference.available());
        assertEquals(0, reference.priority());
        BackendInfo fake = info(UnavailableFakeProvider.NAME);
        assertFalse(fake.available());
        assertEquals(UnavailableFakeProvider.REASON, fake.reason());
        assertSame(UnavailableFakeProvider.CAUSE, fake.unavailabilityCause().orElseThrow());
    }

    @Test
    void aProbeThatThrowsMakesItsBackendUnavailableWithTheExceptionKept() {
        BackendInfo thrower = info(ThrowingProbeFakeProvider.NAME);
        assertFalse(thrower.available());
        assertTrue(thrower.reason().contains("probe exploded"), thrower.reason());
        assertTrue(thrower.cause() instanceof UnsupportedOperationException);
    }

    @Test
    void autoSkipsUnavailableBackendsWhateverTheirPriority() {
        assertEquals("reference", Backends.autoChoice());
        assertEquals("reference", Backends.resolve("auto"));
        assertEquals("reference", Backends.resolve("  AUTO "));
        assertEquals("reference", Backends.resolve(""));
    }

    @Test
    void anExplicitNameIsCaseInsensitiveAndTrimmed() {
        assertEquals("reference", Backends.resolve("reference"));
        assertEquals("reference", Backends.resolve(" Reference "));
        assertEquals("reference", SoftSilhouetteLoss.builder().backend("reference").build().backendName());
    }

    @Test
    void aPreferenceListTakesTheFirstAvailableEntry() {
        assertEquals("reference", Backends.resolve("no-such-backend, unavailable-fake, reference"));
        assertEquals("reference", Backends.resolve("unavailable-fake,throwing-fake,auto"));
        assertEquals("reference", Backends.resolve("no-such-backend , auto"));
    }

    @Test
    void anUnknownNameIsAnErrorListingEveryBackendWithItsAvailability() {
        BackendSelectionException e = assertThrows(BackendSelectionException.class,
                () -> Backends.resolve("no-such-backend"));
        String m = e.getMessage();
        assertTrue(m.contains("'no-such-backend' was not found"), m);
        assertListsEveryBackend(m);
    }

    @Test
    void anUnavailableNameIsAnErrorWithItsReasonAndCause() {
        BackendSelectionException e = assertThrows(BackendSelectionException.class,
                () -> SoftSilhouetteLoss.builder().backend(UnavailableFakeProvider.NAME).build());
        assertTrue(e.getMessage().contains("is unavailable: " + UnavailableFakeProvider.REASON), e.getMessage());
        assertSame(UnavailableFakeProvider.CAUSE, e.getCause());
        assertListsEveryBackend(e.getMessage());
    }

    @Test
    void aListWithNothingAvailableIsAnErrorListingEveryBackend() {
        BackendSelectionException e = assertThrows(BackendSelectionException.class,
                () -> Backends.backend("unavailable-fake, throwing-fake, no-such-backend"));
        assertTrue(e.getMessage().contains("none of the backends in"), e.getMessage());
        assertListsEveryBackend(e.getMessage());
    }

    @Test
    void theSystemPropertyChoosesAndAnExplicitNameOverridesIt() {
        System.setProperty(Backends.PROPERTY, "no-such-backend");
        assertThrows(BackendSelectionException.class, SoftSilhouetteLoss::create);
        assertThrows(BackendSelectionException.class, () -> Backends.resolve(null));
        assertEquals("reference", SoftSilhouetteLoss.builder().backend("reference").build().backendName());
        System.setProperty(Backends.PROPERTY, "unavailable-fake,reference");
        assertEquals("reference", SoftSilhouetteLoss.create().backendName());
        assertEquals("reference", Backends.resolve(null));
    }

    @Test
    void aTypoSuggestsTheClosestNameAndSaysWhereTheChoiceCameFrom() {
        System.setProperty(Backends.PROPERTY, "refrence");
        BackendSelectionException e = assertThrows(BackendSelectionException.class, SoftSilhouetteLoss::create);
        assertEquals("backend 'refrence' was not found; did you mean 'reference'?", e.problem());
        assertEquals(BackendSelectionException.Origin.SYSTEM_PROPERTY, e.origin());
        assertTrue(e.getMessage().contains("(from the system property silhouette.backend)"), e.getMessage());
        assertListsEveryBackend(e.backendsFound());
    }

    @Test
    void aNameFarFromEveryBackendGetsNoSuggestion() {
        BackendSelectionException e = assertThrows(BackendSelectionException.class,
                () -> Backends.resolve("tensorflow"));
        assertEquals("backend 'tensorflow' was not found", e.problem());
        assertEquals(BackendSelectionException.Origin.API, e.origin());
    }

    @Test
    void oneOfOurBackendsWithoutItsModuleNamesTheDependencyToAdd() {
        BackendSelectionException e = assertThrows(BackendSelectionException.class,
                () -> SoftSilhouetteLoss.builder().backend("cuda").build());
        assertEquals("backend 'cuda' was not found: its module is not on the class path; add the dependency "
                + "dev.softsilhouette:soft-silhouette-backend-cuda", e.problem());
    }

    @Test
    void editDistanceCountsInsertionsDeletionsAndSubstitutions() {
        assertEquals(0, BackendRegistry.editDistance("cuda", "cuda"));
        assertEquals(1, BackendRegistry.editDistance("refrence", "reference"));
        assertEquals(2, BackendRegistry.editDistance("cpu-vectro", "cpu-vector"));
        assertEquals(4, BackendRegistry.editDistance("", "auto"));
    }

    @Test
    void describeHasOneLinePerBackendWithReasons() {
        String d = Backends.describe();
        assertListsEveryBackend(d);
        assertTrue(d.contains("silhouette.backend"), d);
    }

    @Test
    void availabilityRequiresAReasonWhenUnavailableAndKeepsItsCause() {
        assertThrows(IllegalArgumentException.class, () -> Availability.unavailable(" ", null));
        RuntimeException cause = new RuntimeException("driver too old");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Availability.unavailable("update the driver", cause).ensureAvailable("cuda"));
        assertTrue(e.getMessage().contains("'cuda' is unavailable: update the driver"), e.getMessage());
        assertSame(cause, e.getCause());
        Availability.available("x").ensureAvailable("reference");
    }

    private static void assertListsEveryBackend(String message) {
        assertTrue(message.contains("Backends found (5)"), message);
        for (BackendInfo info : Backends.list()) {
            assertTrue(message.contains(info.describe()), "missing line for " + info.name() + " in:\n" + message);
        }
        assertTrue(message.contains("unavailable: " + UnavailableFakeProvider.REASON), message);
        assertTrue(message.contains("reference") && message.contains("available"), message);
    }
}
