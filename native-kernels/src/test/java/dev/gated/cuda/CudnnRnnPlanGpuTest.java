package dev.gated.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.Precision;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnParam;
import dev.gated.engine.rnn.RnnSpec;
import java.util.Arrays;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The plan against the real cuDNN on a GPU: the weight-space layout cuDNN reports holds every canonical element
 * exactly once, and workspaces release all device memory. The numerics (gate order, padding, gradients) are
 * covered for the whole backend by the engine's conformance suite and the CPU parity suite. Skipped, with the
 * probe's reason, where no GPU stack is usable.
 */
class CudnnRnnPlanGpuTest {
    private static CudaContext ctx;
    private static String skipReason;

    @BeforeAll
    static void open() {
        try {
            ctx = CudaContext.open(0, Precision.FP32);
        } catch (CudaSetupException e) {
            skipReason = "no usable GPU: " + e.getMessage();
        } catch (LinkageError e) {
            skipReason = "no usable GPU: " + e;
        }
        if (skipReason != null) {
            // Surefire's summary lists skipped tests without the assumption's message.
            System.out.println("SKIPPED CudnnRnnPlanGpuTest: " + skipReason);
        }
    }

    @AfterAll
    static void close() {
        if (ctx != null) {
            ctx.close();
        }
    }

    private static void requireGpu() {
        Assumptions.assumeTrue(ctx != null, () -> skipReason);
    }

    private static final List<RnnSpec> SPECS = List.of(
            new RnnSpec(CellType.LSTM, 3, 5, 2, true, DType.FLOAT32),
            new RnnSpec(CellType.GRU, 1, 4, 3, false, DType.FLOAT64),
            new RnnSpec(CellType.GRU, 7, 6, 2, true, DType.FLOAT32),
            new RnnSpec(CellType.LSTM, 2, 3, 1, false, DType.FLOAT64));

    @Test
    void everyCanonicalElementLandsInTheWeightSpaceExactlyOnceAndReadsBack() {
        requireGpu();
        for (RnnSpec spec : SPECS) {
            try (CudnnRnnPlan plan = new CudnnRnnPlan(ctx, spec)) {
                assertTrue(plan.weightSpaceSize() >= spec.parameterCount(), spec + ": weight space smaller than the parameters");
                CudaTensor space = tensor(Shape.of(plan.weightSpaceSize()), spec.dtype());
                // All-ones bytes are NaN in float32 and float64: anything not written stays NaN.
                CudaErrors.driver(JCudaDriver.cuMemsetD8(space.pointer(), (byte) 0xFF, space.bytes()), "cuMemsetD8");
                List<RnnParam> params = spec.parameters();
                double[] expectedValues = new double[(int) spec.parameterCount()];
                int n = 0;
                for (int k = 0; k < params.size(); k++) {
                    RnnParam p = params.get(k);
                    double[] values = new double[p.shape().numel()];
                    for (int e = 0; e < values.length; e++) {
                        values[e] = k * 1000 + e;
                        expectedValues[n++] = values[e];
                    }
                    CudaTensor t = upload(p.shape(), spec.dtype(), values);
                    plan.writeParameter(space, p.name(), t);
                    release(t);
                }
                ctx.synchronize();
                double[] flat = download(space);
                double[] written = Arrays.stream(flat).filter(v -> !Double.isNaN(v)).sorted().toArray();
                Arrays.sort(expectedValues);
                assertArrayEquals(expectedValues, written, spec + ": the weight space must hold each canonical value once");
                for (int k = 0; k < params.size(); k++) {
                    RnnParam p = params.get(k);
                    CudaTensor out = tensor(p.shape(), spec.dtype());
                    plan.readParameter(space, p.name(), out);
                    ctx.synchronize();
                    double[] back = download(out);
                    for (int e = 0; e < back.length; e++) {
                        assertEquals(k * 1000 + e, back[e], spec + " " + p.name() + "[" + e + "]");
                    }
                    release(out);
                }
                release(space);
            }
        }
    }

    @Test
    void workspacesReleaseEverythingAndCloseTwice() {
        requireGpu();
        long before = ctx.bytesInUse();
        RnnSpec spec = SPECS.get(0);
        CudnnRnnPlan plan = new CudnnRnnPlan(ctx, spec);
        CudnnRnnWorkspace ws = plan.workspace(50, 16);
        assertTrue(ctx.bytesInUse() > before, "the workspace holds device memory");
        ws.close();
        assertDoesNotThrow(ws::close);
        plan.close();
        assertDoesNotThrow(plan::close);
        assertEquals(before, ctx.bytesInUse(), "device memory left behind");
        assertThrows(IllegalStateException.class, () -> plan.workspace(1, 1));
    }

    private static CudaTensor tensor(Shape shape, DType dtype) {
        long bytes = (long) shape.numel() * dtype.bytes();
        return new CudaTensor(null, new CudaTensor.Storage(ctx.allocate(bytes, "test tensor"), bytes), shape, dtype,
                false);
    }

    private static void release(CudaTensor t) {
        ctx.free(t.storage().pointer);
    }

    private static CudaTensor upload(Shape shape, DType dtype, double[] values) {
        CudaTensor t = tensor(shape, dtype);
        Pointer host = dtype == DType.FLOAT64 ? Pointer.to(values) : Pointer.to(toFloat(values));
        CudaErrors.driver(JCudaDriver.cuMemcpyHtoD(t.pointer(), host, t.bytes()), "cuMemcpyHtoD");
        return t;
    }

    private static double[] download(CudaTensor t) {
        int n = t.shape().numel();
        CUdeviceptr p = t.pointer();
        if (t.dtype() == DType.FLOAT64) {
            double[] d = new double[n];
            CudaErrors.driver(JCudaDriver.cuMemcpyDtoH(Pointer.to(d), p, t.bytes()), "cuMemcpyDtoH");
            return d;
        }
        float[] f = new float[n];
        CudaErrors.driver(JCudaDriver.cuMemcpyDtoH(Pointer.to(f), p, t.bytes()), "cuMemcpyDtoH");
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
