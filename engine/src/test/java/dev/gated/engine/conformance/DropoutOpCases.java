package dev.gated.engine.conformance;

import static dev.gated.engine.conformance.Ctx.assertClose;
import static dev.gated.engine.conformance.Ctx.assertExact;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.gated.engine.backend.CounterRng;
import dev.gated.engine.backend.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * The rows of {@link OpCases}' table for counter-based dropout: the mask is exactly {@link CounterRng#keep}, it is
 * reproducible from seed and offset, and kept values are scaled by 1 / (1 - p). Kept apart from OpCases only for its
 * size; {@link OpCases#all()} is still the one table.
 */
final class DropoutOpCases {
    private DropoutOpCases() {
    }

    private static OpCases.OpCase c(String name, ThrowingConsumer<Ctx> check) {
        return new OpCases.OpCase(name, check);
    }

    // ---- dropout ----

    static void add(List<OpCases.OpCase> t) {
        t.add(c("dropout: the mask is exactly CounterRng.keep(seed, offset + i, p), kept values scaled by 1/(1-p)", x -> {
            double p = 0.3;
            long seed = 0x5EEDL;
            long offset = 12345;
            double[] v = x.randSigned(3 * 7 * 11, 0.1, 2);
            Tensor y = x.nans(3, 7, 11);
            x.be.dropout(x.up(v, 3, 7, 11), y, p, seed, offset);
            double[] got = x.down(y);
            for (int i = 0; i < v.length; i++) {
                boolean keep = CounterRng.keep(seed, offset + i, p);
                assertEquals(keep, got[i] != 0, "element " + i + ": kept");
            }
            assertClose("y", ReferenceOps.dropout(v, p, seed, offset), got, x.tol.elementwise());
        }));
        t.add(c("dropout: same seed and offset give the same result; another offset or seed another mask", x -> {
            double p = 0.5;
            double[] v = x.randSigned(257, 0.1, 2);
            Tensor tx = x.up(v, 257);
            Tensor a = x.zeros(257);
            Tensor b = x.zeros(257);
            Tensor c = x.zeros(257);
            Tensor d = x.zeros(257);
            x.be.dropout(tx, a, p, 7, 1000);
            x.be.dropout(tx, b, p, 7, 1000);
            x.be.dropout(tx, c, p, 7, 1000 + 257);
            x.be.dropout(tx, d, p, 8, 1000);
            assertExact("second call", x.down(a), x.down(b));
            assertNotEquals(mask(x.down(a)), mask(x.down(c)), "the mask at offset + numel must differ");
            assertNotEquals(mask(x.down(a)), mask(x.down(d)), "the mask of another seed must differ");
        }));
        t.add(c("dropout: applied to dy with the same seed and offset it reproduces the mask", x -> {
            double p = 0.2;
            double[] v = x.randSigned(101, 0.1, 2);
            double[] dy = x.randSigned(101, 0.1, 2);
            Tensor y = x.zeros(101);
            Tensor dx = x.nans(101);
            x.be.dropout(x.up(v, 101), y, p, 99, 5);
            x.be.dropout(x.up(dy, 101), dx, p, 99, 5);
            assertEquals(mask(x.down(y)), mask(x.down(dx)), "mask of dx vs mask of y");
            assertClose("dx", ReferenceOps.dropout(dy, p, 99, 5), x.down(dx), x.tol.elementwise());
        }));
        t.add(c("dropout: kept fraction near 1-p on a big tensor", x -> {
            int n = 200_000;
            for (double p : new double[] {0.1, 0.5, 0.75}) {
                Tensor y = x.zeros(n);
                x.be.dropout(x.up(Ctx.fill(n, 1), n), y, p, 42, 0);
                double[] got = x.down(y);
                int kept = 0;
                for (double g : got) {
                    kept += g != 0 ? 1 : 0;
                }
                double frac = kept / (double) n;
                assertEquals(1 - p, frac, 0.006, "kept fraction for p=" + p);
                assertClose("kept values 1/(1-p)", ReferenceOps.dropout(Ctx.fill(n, 1), p, 42, 0), got,
                        x.tol.elementwise());
            }
        }));
        t.add(c("dropout: p = 0 is the identity", x -> {
            double[] v = x.rand(19, -1, 1);
            Tensor y = x.nans(19);
            x.be.dropout(x.up(v, 19), y, 0, 3, 0);
            assertExact("y", v, x.down(y));
        }));
    }

    private static List<Boolean> mask(double[] v) {
        List<Boolean> m = new ArrayList<>(v.length);
        for (double e : v) {
            m.add(e != 0);
        }
        return m;
    }
}
