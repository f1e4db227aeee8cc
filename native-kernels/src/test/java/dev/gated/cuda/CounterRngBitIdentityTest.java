package dev.gated.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gated.engine.backend.CounterRng;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dropout mask function of the kernels (src/main/cuda/splitmix.h, used by gated_dropout_*) is bit-identical to
 * {@link CounterRng}: a host program compiled from the same header prints mix, uniform and keep for a few thousand
 * (seed, counter, p), and every value must match Java's exactly. Compiled once with g++ (plain C++) and once with nvcc
 * (the __host__ __device__ spelling the kernels see), each skipped when that compiler is absent.
 */
class CounterRngBitIdentityTest {
    /** (seed, counter, p): edge values, then random ones; p includes the draw itself (keep's >= boundary). */
    private static List<long[]> cases() {
        long[] edges = {0, 1, 2, -1, -2, 42, Long.MIN_VALUE, Long.MAX_VALUE, 0x9E3779B97F4A7C15L, -0x9E3779B97F4A7C15L,
                0xFFFFFFFFL, 1L << 40, (1L << 40) - 1};
        List<long[]> out = new ArrayList<>();
        double[] ps = {0, 0.1, 0.5, 0.9, 0.999};
        int k = 0;
        for (long seed : edges) {
            for (long counter : edges) {
                out.add(new long[] {seed, counter, Double.doubleToRawLongBits(ps[k++ % ps.length])});
            }
        }
        Random r = new Random(20261123);
        for (int i = 0; i < 3000; i++) {
            long seed = r.nextLong();
            long counter = i % 3 == 0 ? r.nextLong() : r.nextInt(1 << 20);
            double u = CounterRng.uniform(seed, counter);
            double p = switch (i % 4) {
                case 0 -> u;                       // keep: u >= p exactly at the boundary
                case 1 -> Math.nextUp(u);          // drop: just above the draw
                case 2 -> r.nextDouble();
                default -> (float) r.nextDouble(); // a float-representable p
            };
            out.add(new long[] {seed, counter, Double.doubleToRawLongBits(p)});
        }
        return out;
    }

    private static String program(List<long[]> cases) {
        StringBuilder s = new StringBuilder();
        s.append("#include <cstdio>\n#include <cstring>\n#include \"splitmix.h\"\n");
        s.append("static const unsigned long long CASES[][3] = {\n");
        for (long[] c : cases) {
            s.append(String.format(Locale.ROOT, "  {0x%016xULL, 0x%016xULL, 0x%016xULL},%n", c[0], c[1], c[2]));
        }
        s.append("};\n");
        s.append("int main() {\n");
        s.append("  for (size_t i = 0; i < sizeof(CASES) / sizeof(CASES[0]); i++) {\n");
        s.append("    double p; std::memcpy(&p, &CASES[i][2], sizeof p);\n");
        s.append("    float u = gated_uniform(CASES[i][0], CASES[i][1]);\n");
        s.append("    unsigned int ub; std::memcpy(&ub, &u, sizeof ub);\n");
        s.append("    std::printf(\"%016llx %08x %d\\n\", gated_mix(CASES[i][1]), ub, "
                + "gated_keep(CASES[i][0], CASES[i][1], p) ? 1 : 0);\n");
        s.append("  }\n  return 0;\n}\n");
        return s.toString();
    }

    private static String expected(List<long[]> cases) {
        StringBuilder s = new StringBuilder();
        for (long[] c : cases) {
            double p = Double.longBitsToDouble(c[2]);
            s.append(String.format(Locale.ROOT, "%016x %08x %d%n", CounterRng.mix(c[1]),
                    Float.floatToRawIntBits(CounterRng.uniform(c[0], c[1])), CounterRng.keep(c[0], c[1], p) ? 1 : 0));
        }
        return s.toString();
    }

    private static void check(Path tmp, String sourceName, List<String> compile) throws IOException {
        List<long[]> cases = cases();
        Files.writeString(tmp.resolve(sourceName), program(cases), StandardCharsets.UTF_8);
        NativeTools.Result c = NativeTools.run(tmp, compile).orElseThrow(() -> new AssertionError(compile + " did not run"));
        assertEquals(0, c.status(), compile + " failed:\n" + c.output());
        NativeTools.Result run = NativeTools.run(tmp, List.of(tmp.resolve("rng").toString()))
                .orElseThrow(() -> new AssertionError("the compiled program did not run"));
        assertEquals(0, run.status(), run.output());
        String want = expected(cases);
        String[] w = want.split("\n");
        String[] g = run.output().split("\n");
        assertEquals(w.length, g.length, "lines printed");
        for (int i = 0; i < w.length; i++) {
            long[] cs = cases.get(i);
            assertEquals(w[i].strip(), g[i].strip(), String.format(Locale.ROOT,
                    "seed %d counter %d p %s: Java vs C (mix, uniform bits, keep)", cs[0], cs[1],
                    Double.longBitsToDouble(cs[2])));
        }
    }

    @Test
    void hostCppBuildMatchesCounterRng(@TempDir Path tmp) throws IOException {
        assumeTrue(NativeTools.hasCommand("g++"), "g++ is not installed here: cannot build the host-side RNG check");
        check(tmp, "rng.cpp", List.of("g++", "-O2", "-std=c++14", "-I", NativeTools.cudaSources().toString(),
                "-o", "rng", "rng.cpp"));
    }

    @Test
    void nvccHostBuildMatchesCounterRng(@TempDir Path tmp) throws IOException {
        assumeTrue(NativeTools.nvccVersion().isPresent(), "nvcc is not installed here: cannot build the CUDA-spelled "
                + "RNG check");
        check(tmp, "rng.cu", List.of("nvcc", "-O2", "-fmad=false", "-I", NativeTools.cudaSources().toString(),
                "-o", "rng", "rng.cu"));
    }
}
