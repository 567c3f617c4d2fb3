package dev.softsilhouette.conformance;

import dev.softsilhouette.BackendInfo;
import dev.softsilhouette.Backends;
import net.jqwik.api.Example;
import net.jqwik.api.Group;

import java.util.Set;
import java.util.TreeSet;

/**
 * Runs the whole kit against every backend of this project. Adding a backend is three lines: a {@code @Group}
 * class implementing {@link SoftSilhouetteContract} that names it. {@link #everyBackendFoundHasAGroup()} fails when
 * the class path holds a backend without one, so none is ever silently untested.
 */
class AllBackendsConformanceTest {

    @Group
    class Reference implements SoftSilhouetteContract {
        @Override
        public String backendName() {
            return "reference";
        }
    }

    @Group
    class CpuVector implements SoftSilhouetteContract {
        @Override
        public String backendName() {
            return "cpu-vector";
        }
    }

    @Group
    class Cuda implements SoftSilhouetteContract {
        @Override
        public String backendName() {
            return "cuda";
        }
    }

    @Group
    class FfmCublas implements SoftSilhouetteContract {
        @Override
        public String backendName() {
            return "ffm-cublas";
        }
    }

    /** A test double that is never available: its properties are all skipped, with its reason printed once. */
    @Group
    class UnavailableFake implements SoftSilhouetteContract {
        @Override
        public String backendName() {
            return "unavailable-fake";
        }
    }

    @Example
    void everyBackendFoundHasAGroup() throws ReflectiveOperationException {
        Set<String> tested = new TreeSet<>();
        for (Class<?> group : AllBackendsConformanceTest.class.getDeclaredClasses()) {
            if (group.isAnnotationPresent(Group.class) && SoftSilhouetteContract.class.isAssignableFrom(group)) {
                var constructor = group.getDeclaredConstructor(AllBackendsConformanceTest.class);
                tested.add(((BackendUnderTest) constructor.newInstance(this)).backendName());
            }
        }
        Set<String> found = new TreeSet<>();
        for (BackendInfo info : Backends.list()) {
            found.add(info.name());
        }
        Set<String> untested = new TreeSet<>(found);
        untested.removeAll(tested);
        // Deliberately broken: KitCatchesABrokenBackendTest runs the kit on them and requires them to fail.
        untested.remove(dev.softsilhouette.conformance.fakes.BrokenFakeProvider.NAME);
        untested.removeAll(dev.softsilhouette.conformance.fakes.DefectiveProvider.NAMES);
        if (!untested.isEmpty()) {
            throw new AssertionError("backends found on the class path without a @Group in AllBackendsConformanceTest: "
                    + untested + "\n" + Backends.describe());
        }
        if (!found.contains("reference")) {
            throw new AssertionError("the reference backend was not found:\n" + Backends.describe());
        }
    }
}
