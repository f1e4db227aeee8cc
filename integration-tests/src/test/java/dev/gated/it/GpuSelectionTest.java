package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.Backends;
import dev.gated.engine.backend.DeviceMode;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** On a GPU host {@code auto} picks the CUDA backend, and {@code gated info} says so. */
@ExtendWith(RequiresUsableGpu.class)
class GpuSelectionTest {
    @Test
    void autoSelectsCuda() {
        Backends.Selection s = Backends.select(DeviceMode.AUTO);
        try (Backend b = s.backend()) {
            assertEquals("cuda", b.name(), "device=auto on a GPU host: " + s.reason());
            System.out.println("GpuSelectionTest: auto -> " + b.name() + " (" + b.description() + "): " + s.reason());
        }
    }

    @Test
    void infoShowsCudaUsableAndSelected() {
        CliRunner.Result r = CliRunner.run("info");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(Pattern.compile("(?m)^\\s*cuda\\s+gpu\\s+.*\\busable\\b").matcher(r.out()).find(),
                "gated info should list cuda as usable:\n" + r.out());
        assertTrue(Pattern.compile("(?m)--device auto\\s*-> cuda").matcher(r.out()).find(),
                "gated info should show --device auto -> cuda:\n" + r.out());
        assertTrue(Pattern.compile("(?m)--device gpu\\s*-> cuda").matcher(r.out()).find(),
                "gated info should show --device gpu -> cuda:\n" + r.out());
    }
}
