package dev.gated.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PTX committed under src/main/resources is what build-ptx.sh makes from the .cu sources today. Needs the nvcc
 * version that made it (recorded next to it): another version emits different text for the same source.
 */
class CommittedPtxTest {
    @Test
    void committedPtxIsUpToDate(@TempDir Path tmp) throws IOException {
        String recorded = recordedNvcc();
        Optional<String> local = NativeTools.nvccVersion();
        assumeTrue(local.isPresent(), "nvcc is not installed here: the committed PTX cannot be rebuilt to compare");
        assumeTrue(local.get().equals(recorded), "the committed PTX was made by '" + recorded + "', this nvcc is '"
                + local.get() + "': a different version emits different PTX");
        Path out = tmp.resolve("kernels.ptx");
        // Exactly build-ptx.sh's command, run in the sources' folder like it.
        NativeTools.Result r = NativeTools.run(NativeTools.cudaSources(), List.of("nvcc", "-ptx", "-arch=compute_75",
                "-O3", "-fmad=false", "-o", out.toString(), "kernels.cu")).orElseThrow();
        assertEquals(0, r.status(), "nvcc failed:\n" + r.output());
        byte[] fresh = Files.readAllBytes(out);
        assertArrayEquals(fresh, Kernels.ptx(), "src/main/resources/dev/gated/cuda/kernels.ptx is stale: run "
                + "native-kernels/build-ptx.sh and commit the result");
    }

    @Test
    void buildScriptUsesTheSameFlags() throws IOException {
        String script = Files.readString(Path.of("build-ptx.sh"), StandardCharsets.UTF_8);
        assertEquals(true, script.contains("-ptx -arch=compute_75 -O3 -fmad=false -o \"$out/kernels.ptx\" kernels.cu"),
                "build-ptx.sh and this test must compile with the same command");
    }

    static String recordedNvcc() throws IOException {
        try (InputStream in = Kernels.class.getResourceAsStream(Kernels.NVCC_VERSION_RESOURCE)) {
            if (in == null) {
                throw new AssertionError(Kernels.NVCC_VERSION_RESOURCE + " is missing: build-ptx.sh writes it");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }
}
