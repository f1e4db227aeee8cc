package dev.gated.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gated.engine.backend.BackendProvider;
import dev.gated.engine.backend.Backends;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GPU benchmark's measuring and JSON, run on the CPU backend with a tiny shape; and its exit when no GPU. */
class GpuBenchTest {
    @Test
    void measuresEveryConfigurationAndWritesJson(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("gated.json");
        GpuBench bench = new GpuBench();
        bench.parse(new String[] {"--device", "cpu", "--precision", "fp32,tf32", "--cells", "lstm,gru", "--shapes",
            "L2-I4-H8-T3-B2", "--warmup", "2", "--steps", "3", "--out", out.toString()});
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = bench.run(System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        String json = Files.readString(out);
        Matcher rows = Pattern.compile("\\{\"cell\": \"(lstm|gru)\"[^}]*\"precision\": \"(fp32|tf32)\", "
                + "\"ms_median\": ([0-9.]+)[^}]*\"flops\": ([0-9.e+]+)").matcher(json);
        int n = 0;
        while (rows.find()) {
            n++;
            assertTrue(Double.parseDouble(rows.group(3)) > 0, "ms_median of row " + n + ": " + rows.group(3));
            // 2 layers, G = 4 (LSTM) or 3 (GRU): 6*B*T*G*H*(I_l + H) per layer plus the head 6*B*H*O.
            int g = rows.group(1).equals("lstm") ? 4 : 3;
            double expected = 6.0 * 2 * 3 * g * 8 * (4 + 8) + 6.0 * 2 * 3 * g * 8 * (8 + 8) + 6.0 * 2 * 8;
            assertEquals(expected, Double.parseDouble(rows.group(4)), 1e-6 * expected, "flops of row " + n);
        }
        assertEquals(4, n, "rows (2 cells x 2 precisions):\n" + json);
        assertTrue(json.contains("computing fp32"), "the CPU has no TF32, which the selection notes say:\n" + json);
    }

    @Test
    void saysSoAndExitsWithThreeWhenThereIsNoGpu() {
        boolean gpu = Backends.probeAll().stream()
                .anyMatch(p -> p.provider().kind() == BackendProvider.Kind.GPU && p.availability().usable());
        assumeTrue(!gpu, "a GPU backend is usable here, so --device gpu does not fail");
        GpuBench bench = new GpuBench();
        bench.parse(new String[] {"--shapes", "S", "--steps", "1"});
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = bench.run(System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(3, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no usable backend for --device gpu"), err.toString());
    }
}
