package dev.softsilhouette.bench.ceiling.coretype;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The settings tried and the environments they give a child process (on maps, never on this JVM's environment). */
class OpenBlasSettingTest {
    private static final Map<String, String> HASWELL_GIVEN = Map.of("OPENBLAS_CORETYPE", "Haswell",
            "OPENBLAS_L2_SIZE", "1048576", "PATH", "/usr/bin");

    @Test
    void candidatesAreTheGivenEnvironmentBothUnsetAndEachCoreType() {
        assertEquals(List.of("as-given", "unset", "SkylakeX", "Cooperlake", "SapphireRapids", "Zen", "Haswell"),
                OpenBlasSetting.candidates().stream().map(OpenBlasSetting::label).toList());
    }

    @Test
    void eachSettingChangesOnlyTheTwoVariables() {
        Map<String, String> asGiven = new HashMap<>(HASWELL_GIVEN);
        OpenBlasSetting.AS_GIVEN.applyTo(asGiven);
        assertEquals(HASWELL_GIVEN, asGiven);

        Map<String, String> unset = new HashMap<>(HASWELL_GIVEN);
        OpenBlasSetting.UNSET.applyTo(unset);
        assertEquals(Map.of("PATH", "/usr/bin"), unset);

        Map<String, String> skylake = new HashMap<>(HASWELL_GIVEN);
        OpenBlasSetting.coreType("SkylakeX").applyTo(skylake);
        assertEquals(Map.of("PATH", "/usr/bin", "OPENBLAS_CORETYPE", "SkylakeX"), skylake);
    }

    @Test
    void describesWhatTheChildSees() {
        assertEquals("OPENBLAS_CORETYPE=Haswell, OPENBLAS_L2_SIZE=1048576",
                OpenBlasSetting.AS_GIVEN.describe(HASWELL_GIVEN));
        assertEquals("OPENBLAS_CORETYPE unset, OPENBLAS_L2_SIZE unset", OpenBlasSetting.UNSET.describe(HASWELL_GIVEN));
        assertEquals("OPENBLAS_CORETYPE=Zen, OPENBLAS_L2_SIZE unset",
                OpenBlasSetting.parse("Zen").describe(HASWELL_GIVEN));
        assertEquals(OpenBlasSetting.UNSET.effective(Map.of()), OpenBlasSetting.AS_GIVEN.effective(Map.of()),
                "where neither is set, as given and unset are one environment");
    }

    @Test
    void aForkKnowsWhetherItRunsUnderItsSetting() {
        assertTrue(OpenBlasSetting.AS_GIVEN.holdsIn(HASWELL_GIVEN));
        assertFalse(OpenBlasSetting.UNSET.holdsIn(HASWELL_GIVEN));
        assertTrue(OpenBlasSetting.UNSET.holdsIn(Map.of("PATH", "/usr/bin")));
        assertFalse(OpenBlasSetting.parse("Haswell").holdsIn(HASWELL_GIVEN), "L2_SIZE must be unset too");
        assertTrue(OpenBlasSetting.parse("Haswell").holdsIn(Map.of("OPENBLAS_CORETYPE", "Haswell")));
        assertEquals(OpenBlasSetting.coreType("Cooperlake"), OpenBlasSetting.parse("Cooperlake"));
    }
}
