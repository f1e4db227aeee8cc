package dev.gated.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.DType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every typed launch in Kernels passes exactly the parameters its kernel declares in the committed PTX (count and
 * PTX type: a float where the kernel takes a double, or a missing int, would otherwise only show as garbage on a
 * GPU), and with a legal launch geometry. The launches are recorded instead of sent to a driver.
 */
class KernelSignatureTest {
    record Launch(String kernel, int blocks, int threads, List<String> types) {
    }

    /** Parameter types per kernel, from the ".visible .entry name( .param .type name_param_0, ... )" blocks. */
    static Map<String, List<String>> ptxSignatures() {
        String ptx = new String(Kernels.ptx(), StandardCharsets.US_ASCII);
        Map<String, List<String>> sigs = new HashMap<>();
        Matcher entry = Pattern.compile("\\.visible \\.entry (\\w+)\\(([^)]*)\\)").matcher(ptx);
        while (entry.find()) {
            List<String> types = new ArrayList<>();
            Matcher param = Pattern.compile("\\.param (\\.\\w+) \\w+").matcher(entry.group(2));
            while (param.find()) {
                types.add(param.group(1));
            }
            sigs.put(entry.group(1), types);
        }
        return sigs;
    }

    @Test
    void everyLaunchMatchesItsKernelsDeclaredParameters() {
        List<Launch> launches = new ArrayList<>();
        Kernels k = new Kernels((kernel, blocks, threads, args) -> launches.add(new Launch(kernel, blocks, threads,
                Arrays.stream(args).map(Kernels.Arg::ptxType).toList())));
        int n = 100_000;
        for (DType dt : DType.values()) {
            k.fill(dt, null, 1, n);
            k.axpby(dt, 1, null, 2, null, n);
            k.unary(dt, 3, null, null, n);
            k.unaryBackward(dt, 3, null, null, null, null, n);
            k.binary(dt, 1, null, null, null, n);
            k.addRowVector(dt, null, null, n, 10);
            k.sumRows(dt, null, null, n / 10, 10, true);
            k.reduce(dt, KernelOps.Reduce.MSE, null, null, null, n, 2.0 / n, null, null);
            k.gatherRows(dt, null, null, null, 10, 7);
            k.scatterAddRows(dt, null, null, null, 10, 7);
            k.softmaxCrossEntropy(dt, null, null, null, null, 33, 7, 1.0 / 33);
            k.softmaxRows(dt, null, null, null, 33, 7);
            k.softmaxRows(dt, null, null, null, 1 << 20, 3);
            k.softmaxRowsBackward(dt, null, null, null, 33, 7);
            k.softmaxRowsBackward(dt, null, null, null, 1 << 20, 3);
            k.dropout(dt, null, null, n, 0.5, 2, 1, 2);
            k.sgd(dt, null, null, null, n, 0.1, 0, 0.9, 1, true, false);
            k.adam(dt, null, null, null, null, n, 0.1, 0.9, 0.999, 1e-8, 0, true, 1, 0.1, 0.001);
            k.rmsprop(dt, null, null, null, null, null, n, 0.01, 0.99, 1e-8, 0, 0.9, true);
            k.adagrad(dt, null, null, null, n, 0.01, 0, 1e-10, 0.1, false);
        }
        Map<String, List<String>> sigs = ptxSignatures();
        TreeSet<String> launched = new TreeSet<>();
        for (Launch l : launches) {
            assertTrue(sigs.containsKey(l.kernel()), "no kernel " + l.kernel() + " in the PTX");
            assertEquals(sigs.get(l.kernel()), l.types(), l.kernel() + ": PTX parameter types vs the launch's");
            assertTrue(l.blocks() >= 1 && l.blocks() <= Kernels.MAX_BLOCKS, l + ": grid size");
            assertTrue(l.threads() >= 32 && l.threads() <= 1024 && l.threads() % 32 == 0, l + ": block size");
            launched.add(l.kernel());
        }
        assertEquals(new TreeSet<>(sigs.keySet()), launched, "every kernel of the PTX is launched by some method");
    }

    @Test
    void reductionsUseTheirFixedGeometryAndEmptyWorkLaunchesNothing() {
        List<Launch> launches = new ArrayList<>();
        Kernels k = new Kernels((kernel, blocks, threads, args) -> launches.add(new Launch(kernel, blocks, threads,
                List.of())));
        k.reduce(DType.FLOAT32, KernelOps.Reduce.SUM, null, null, null, 0, 0, null, null);
        k.reduce(DType.FLOAT64, KernelOps.Reduce.SUM, null, null, null, 1 << 30, 0, null, null);
        for (Launch l : launches) {
            if (l.kernel().startsWith("gated_reduce_partials")) {
                assertEquals(Kernels.REDUCE_BLOCKS, l.blocks(), "the partial sums' grid is fixed");
                assertEquals(Kernels.REDUCE_THREADS, l.threads());
            } else {
                assertEquals("gated_reduce_final", l.kernel());
                assertEquals(1, l.blocks(), "the final sum is one block");
                assertEquals(Kernels.REDUCE_THREADS, l.threads());
            }
        }
        assertEquals(4, launches.size());
        launches.clear();
        k.fill(DType.FLOAT32, null, 0, 0);
        k.gatherRows(DType.FLOAT32, null, null, null, 0, 5);
        k.scatterAddRows(DType.FLOAT32, null, null, null, 3, 0);
        k.softmaxCrossEntropy(DType.FLOAT32, null, null, null, null, 0, 5, 1);
        k.softmaxRows(DType.FLOAT32, null, null, null, 0, 5);
        k.softmaxRowsBackward(DType.FLOAT64, null, null, null, 4, 0);
        k.sumRows(DType.FLOAT32, null, null, 4, 0, false);
        assertEquals(List.of(), launches, "a grid of 0 blocks is invalid: no work, no launch");
    }
}
