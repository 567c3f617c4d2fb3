package dev.softsilhouette.cpu;

import dev.softsilhouette.BackendInfo;
import dev.softsilhouette.Backends;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without {@code --add-modules jdk.incubator.vector} the backend is listed as unavailable, naming that flag. */
class UnavailabilityTest {

    /** Run in a child JVM: prints each backend's availability and reason. */
    public static void main(String[] args) {
        for (BackendInfo info : Backends.list()) {
            System.out.println("BACKEND " + info.name() + " available=" + info.available() + " reason=" + info.reason());
        }
        System.out.println("AUTO " + Backends.autoChoice());
    }

    @Test
    void childJvmWithoutTheVectorModuleReportsTheFlag() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                UnavailabilityTest.class.getName())
                .redirectErrorStream(true).start();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), out);
        List<String> cpu = out.lines().filter(l -> l.startsWith("BACKEND cpu-vector ")).toList();
        assertEquals(1, cpu.size(), out);
        assertTrue(cpu.get(0).contains("available=false"), out);
        assertTrue(cpu.get(0).contains("--add-modules jdk.incubator.vector"), out);
        assertTrue(out.contains("AUTO reference"), out);
    }

    @Test
    void availableHereWithTheFlag() {
        BackendInfo info = Backends.list().stream().filter(b -> b.name().equals("cpu-vector")).findFirst()
                .orElseThrow();
        assertTrue(info.available(), info.reason());
        assertEquals(100, info.priority());
        assertEquals("cpu-vector", Backends.autoChoice());
    }
}
