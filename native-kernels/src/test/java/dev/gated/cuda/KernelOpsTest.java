package dev.gated.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.BinaryOp;
import dev.gated.engine.backend.UnaryOp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Java side and the .cu side agree: every UnaryOp/BinaryOp value has the code the kernels give it (a new enum
 * value already fails to compile in KernelOps; this catches a wrong or missing number in the .cu), the launch
 * geometry constants match, and the committed PTX holds exactly the kernels Kernels looks up.
 */
class KernelOpsTest {
    private static String source() throws IOException {
        return Files.readString(NativeTools.cudaSources().resolve("kernels.cu"), StandardCharsets.UTF_8);
    }

    /** NAME = number pairs of the enum constants with the given prefix, e.g. UNARY_EXP = 5. */
    private static Map<String, Integer> constants(String src, String prefix) {
        Map<String, Integer> m = new HashMap<>();
        Matcher x = Pattern.compile("\\b" + prefix + "([A-Z_]+)\\s*=\\s*(\\d+)").matcher(src);
        while (x.find()) {
            m.put(x.group(1), Integer.parseInt(x.group(2)));
        }
        return m;
    }

    private static int define(String src, String name) {
        Matcher x = Pattern.compile("#define\\s+" + name + "\\s+(\\d+)").matcher(src);
        assertTrue(x.find(), "kernels.cu has no #define " + name);
        return Integer.parseInt(x.group(1));
    }

    @Test
    void everyUnaryOpHasTheCodeOfItsKernel() throws IOException {
        Map<String, Integer> cu = constants(source(), "UNARY_");
        assertEquals(UnaryOp.values().length, cu.size(), "UNARY_ codes in kernels.cu: " + cu);
        Set<Integer> seen = new HashSet<>();
        for (UnaryOp op : UnaryOp.values()) {
            assertEquals(cu.get(op.name()), KernelOps.code(op), "UNARY_" + op.name());
            assertTrue(seen.add(KernelOps.code(op)), "duplicate code for " + op);
        }
    }

    @Test
    void everyBinaryOpHasTheCodeOfItsKernel() throws IOException {
        Map<String, Integer> cu = constants(source(), "BINARY_");
        assertEquals(BinaryOp.values().length, cu.size(), "BINARY_ codes in kernels.cu: " + cu);
        Set<Integer> seen = new HashSet<>();
        for (BinaryOp op : BinaryOp.values()) {
            assertEquals(cu.get(op.name()), KernelOps.code(op), "BINARY_" + op.name());
            assertTrue(seen.add(KernelOps.code(op)), "duplicate code for " + op);
        }
    }

    @Test
    void reductionCodesAndGeometryMatch() throws IOException {
        String src = source();
        Map<String, Integer> cu = constants(src, "REDUCE_");
        for (KernelOps.Reduce r : KernelOps.Reduce.values()) {
            assertEquals(cu.get(r.name()), r.code, "REDUCE_" + r.name());
        }
        assertEquals(define(src, "REDUCE_BLOCKS"), Kernels.REDUCE_BLOCKS);
        assertEquals(define(src, "REDUCE_THREADS"), Kernels.REDUCE_THREADS);
        assertEquals(define(src, "ROW_THREADS"), Kernels.ROW_THREADS);
        // The block reductions halve the stride: they need powers of two.
        assertEquals(1, Integer.bitCount(Kernels.REDUCE_THREADS));
        assertEquals(1, Integer.bitCount(Kernels.ROW_THREADS));
    }

    @Test
    void theCommittedPtxHoldsExactlyTheKernelsThatAreLookedUp() {
        String ptx = new String(Kernels.ptx(), StandardCharsets.US_ASCII);
        Set<String> entries = new TreeSet<>();
        Matcher m = Pattern.compile("\\.visible \\.entry (\\w+)\\(").matcher(ptx);
        while (m.find()) {
            entries.add(m.group(1));
        }
        Set<String> expected = new TreeSet<>();
        for (String k : Kernels.TYPED) {
            expected.add("gated_" + k + "_f32");
            expected.add("gated_" + k + "_f64");
        }
        for (String k : Kernels.UNTYPED) {
            expected.add("gated_" + k);
        }
        assertEquals(expected, entries);
    }

    @Test
    void gridStrideLaunchesAreCapped() {
        assertEquals(1, Kernels.blocks(1));
        assertEquals(1, Kernels.blocks(Kernels.THREADS));
        assertEquals(2, Kernels.blocks(Kernels.THREADS + 1));
        assertEquals(Kernels.MAX_BLOCKS, Kernels.blocks(Integer.MAX_VALUE));
    }
}
