package dev.gated.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.conformance.ReferenceBackend;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * {@link BatchNorm} against PyTorch's own numbers: {@code batchnorm-torch.json} holds libtorch 2.7.1's
 * {@code batch_norm} (what {@code torch.nn.BatchNorm1d} calls), float64, computed through DJL by
 * {@code BatchNormTorch.java} beside it on the packed valid rows [7, 5]. Here the same rows sit in a 9-row batch with
 * two padded rows of garbage, so the check covers the masking too: training output, input/weight/bias gradients,
 * running statistics after two steps (unbiased running_var), and the evaluation output with them.
 *
 * <p>Tolerances: 1e-10 for the training output and gradients (both sides float64); 1e-7 relative for anything that
 * depends on the running statistics, because DJL hands libtorch its momentum as a float (1 - 0.9f =
 * 0.10000002384..., not 0.1), which moves them by about 2.4e-8 relative.
 */
class BatchNormTorchTest {
    static final int F = 5;
    /** The 9-row batch: torch's row r at ROWS[r]; rows 2 and 7 are padded. */
    static final int[] ROWS = {0, 1, 3, 4, 5, 6, 8};
    static final double[] VALID = {1, 1, 0, 1, 1, 1, 1, 0, 1};

    static JsonNode fixture() throws IOException {
        try (InputStream in = BatchNormTorchTest.class.getResourceAsStream("batchnorm-torch.json")) {
            assertNotNull(in, "batchnorm-torch.json on the test class path");
            return new ObjectMapper().readTree(in);
        }
    }

    static double[] arr(JsonNode n, String key) {
        JsonNode a = n.get(key);
        assertNotNull(a, key);
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).asDouble();
        }
        return v;
    }

    /** Torch's packed [7, F] rows spread into the padded [9, F] batch, {@code pad} on the padded rows. */
    static double[] padded(double[] packed, double pad) {
        double[] v = new double[VALID.length * F];
        java.util.Arrays.fill(v, pad);
        for (int r = 0; r < ROWS.length; r++) {
            System.arraycopy(packed, r * F, v, ROWS[r] * F, F);
        }
        return v;
    }

    static double[] packed(double[] padded) {
        double[] v = new double[ROWS.length * F];
        for (int r = 0; r < ROWS.length; r++) {
            System.arraycopy(padded, ROWS[r] * F, v, r * F, F);
        }
        return v;
    }

    static void assertClose(String what, double[] expected, double[] actual, double relative) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], relative * Math.max(1, scale), what + "[" + i + "]");
        }
    }

    @Test
    void matchesPyTorchsBatchNorm1dOnTheValidRows() throws IOException {
        JsonNode j = fixture();
        assertEquals("float64", j.get("dtype").asText());
        try (ReferenceBackend be = new ReferenceBackend();
             BatchNorm bn = new BatchNorm(be, DType.FLOAT64, VALID.length, F);
             Tensor x = be.upload(padded(arr(j, "x1"), 50), Shape.of(9, F), DType.FLOAT64);
             Tensor w = be.upload(arr(j, "weight"), Shape.of(F), DType.FLOAT64);
             Tensor b = be.upload(arr(j, "bias"), Shape.of(F), DType.FLOAT64);
             Tensor rm = be.upload(arr(j, "running_mean0"), Shape.of(F), DType.FLOAT64);
             Tensor rv = be.upload(arr(j, "running_var0"), Shape.of(F), DType.FLOAT64);
             Tensor out = be.allocate(DType.FLOAT64, Shape.of(9, F));
             Tensor xhat = be.allocate(DType.FLOAT64, Shape.of(9, F));
             Tensor rstd = be.allocate(DType.FLOAT64, Shape.of(1, F));
             Tensor dout = be.upload(padded(arr(j, "dout"), -7), Shape.of(9, F), DType.FLOAT64);
             Tensor dx = be.allocate(DType.FLOAT64, Shape.of(9, F));
             Tensor dw = be.allocate(DType.FLOAT64, Shape.of(F));
             Tensor db = be.allocate(DType.FLOAT64, Shape.of(F));
             Tensor x2 = be.upload(arr(j, "x2"), Shape.of(6, F), DType.FLOAT64);
             BatchNorm bn2 = new BatchNorm(be, DType.FLOAT64, 6, F)) {
            bn.setValidRows(VALID);
            bn.forwardTraining(x, w, b, out, xhat, rstd, rm, rv);
            double[] o = be.download(out);
            assertClose("train out", arr(j, "train_out1"), packed(o), 1e-10);
            assertEquals(0, o[2 * F] + o[7 * F + 4], 0, "padded rows come out as 0");
            bn.backward(dout, w, xhat, rstd, dx, dw, db);
            assertClose("dx", arr(j, "dx1"), packed(be.download(dx)), 1e-10);
            assertClose("dweight", arr(j, "dweight1"), be.download(dw), 1e-10);
            assertClose("dbias", arr(j, "dbias1"), be.download(db), 1e-10);
            assertClose("running_mean after 1 step", arr(j, "running_mean1"), be.download(rm), 1e-7);
            assertClose("running_var after 1 step (unbiased)", arr(j, "running_var1"), be.download(rv), 1e-7);
            // A second step of 6 unpadded rows, then evaluation of the first batch with the moved statistics.
            try (Tensor out2 = be.allocate(DType.FLOAT64, Shape.of(6, F));
                 Tensor xhat2 = be.allocate(DType.FLOAT64, Shape.of(6, F));
                 Tensor rstd2 = be.allocate(DType.FLOAT64, Shape.of(1, F))) {
                bn2.forwardTraining(x2, w, b, out2, xhat2, rstd2, rm, rv);
            }
            assertClose("running_mean after 2 steps", arr(j, "running_mean2"), be.download(rm), 1e-7);
            assertClose("running_var after 2 steps", arr(j, "running_var2"), be.download(rv), 1e-7);
            bn.forwardEval(x, w, b, rm, rv, out);
            assertClose("eval out", arr(j, "eval_out"), packed(be.download(out)), 1e-7);
        }
    }
}
