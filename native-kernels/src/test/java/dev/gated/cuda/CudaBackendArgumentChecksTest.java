package dev.gated.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.cpu.CpuBackend;
import dev.gated.engine.backend.AdagradConfig;
import dev.gated.engine.backend.AdamConfig;
import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.BinaryOp;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.RmspropConfig;
import dev.gated.engine.backend.SgdConfig;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.backend.UnaryOp;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Bad calls fail on the CUDA backend exactly as on the CPU backend (same exception, same message) and before any
 * native call. The CUDA backend here is detached: it has no context, and its tensors are fake (a null device
 * pointer), so a check that came after the first native call would fail with a NullPointerException instead.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CudaBackendArgumentChecksTest {
    private final CpuBackend cpu = new CpuBackend(1);
    private final CudaBackend cuda = new CudaBackend((CudaContext) null);

    @AfterAll
    void close() {
        cpu.close();
        cuda.close();
    }

    /** Makes tensors of the backend under test. */
    interface Maker {
        Tensor t(DType dtype, int... dims);

        default Tensor f(int... dims) {
            return t(DType.FLOAT32, dims);
        }
    }

    /** One bad call, written once for both backends. */
    interface Call {
        void run(Backend be, Maker mk);
    }

    private static Tensor fake(CudaBackend be, DType dtype, int... dims) {
        Shape s = Shape.of(dims);
        return new CudaTensor(be, new CudaTensor.Storage(new CUdeviceptr(), (long) s.numel() * dtype.bytes()), s,
                dtype, false);
    }

    private Maker cpuMaker() {
        return (dtype, dims) -> cpu.allocate(dtype, Shape.of(dims));
    }

    private Maker cudaMaker() {
        return (dtype, dims) -> fake(cuda, dtype, dims);
    }

    private static final SgdConfig MOMENTUM = new SgdConfig(0.1, 0.9, 0, 0, false);

    private static List<Object[]> table() {
        List<Object[]> t = new ArrayList<>();
        t.add(new Object[] {"gemm inner dimensions differ", (Call) (be, mk) ->
                be.gemm(false, false, 1, mk.f(2, 3), mk.f(4, 5), 0, mk.f(2, 5))});
        t.add(new Object[] {"gemm transposed inner dimensions differ", (Call) (be, mk) ->
                be.gemm(true, true, 1, mk.f(3, 2), mk.f(5, 4), 0, mk.f(2, 5))});
        t.add(new Object[] {"gemm c has the wrong shape", (Call) (be, mk) ->
                be.gemm(false, true, 1, mk.f(2, 3), mk.f(5, 3), 0, mk.f(5, 2))});
        t.add(new Object[] {"gemm a is not 2-D", (Call) (be, mk) ->
                be.gemm(false, false, 1, mk.f(2, 3, 1), mk.f(3, 2), 0, mk.f(2, 2))});
        t.add(new Object[] {"gemm dtypes differ", (Call) (be, mk) ->
                be.gemm(false, false, 1, mk.f(2, 2), mk.t(DType.FLOAT64, 2, 2), 0, mk.f(2, 2))});
        t.add(new Object[] {"gemm c aliases a", (Call) (be, mk) -> {
            Tensor a = mk.f(2, 2);
            be.gemm(false, false, 1, a, mk.f(2, 2), 0, a.reshape(2, 2));
        }});
        t.add(new Object[] {"batchedGemm a is not 3-D", (Call) (be, mk) ->
                be.batchedGemm(false, false, 1, mk.f(2, 3), mk.f(1, 3, 2), 0, mk.f(1, 2, 2))});
        t.add(new Object[] {"batchedGemm batch sizes differ", (Call) (be, mk) ->
                be.batchedGemm(false, false, 1, mk.f(2, 2, 3), mk.f(3, 3, 4), 0, mk.f(2, 2, 4))});
        t.add(new Object[] {"batchedGemm inner dimensions differ", (Call) (be, mk) ->
                be.batchedGemm(false, true, 1, mk.f(2, 2, 3), mk.f(2, 4, 5), 0, mk.f(2, 2, 4))});
        t.add(new Object[] {"batchedGemm c has the wrong shape", (Call) (be, mk) ->
                be.batchedGemm(true, false, 1, mk.f(2, 3, 2), mk.f(2, 3, 4), 0, mk.f(2, 4, 2))});
        t.add(new Object[] {"batchedGemm dtypes differ", (Call) (be, mk) ->
                be.batchedGemm(false, false, 1, mk.f(2, 2, 2), mk.f(2, 2, 2), 0, mk.t(DType.FLOAT64, 2, 2, 2))});
        t.add(new Object[] {"batchedGemm c aliases b", (Call) (be, mk) -> {
            Tensor b = mk.f(2, 2, 2);
            be.batchedGemm(false, false, 1, mk.f(2, 2, 2), b, 0, b.reshape(2, 2, 2));
        }});
        t.add(new Object[] {"softmaxRows y shape", (Call) (be, mk) -> be.softmaxRows(mk.f(2, 3), mk.f(3, 2))});
        t.add(new Object[] {"softmaxRows scalar x", (Call) (be, mk) -> be.softmaxRows(mk.f(), mk.f())});
        t.add(new Object[] {"softmaxRowsBackward dy dtype", (Call) (be, mk) ->
                be.softmaxRowsBackward(mk.f(2, 3), mk.t(DType.FLOAT64, 2, 3), mk.f(2, 3))});
        t.add(new Object[] {"softmaxRowsBackward dx shape", (Call) (be, mk) ->
                be.softmaxRowsBackward(mk.f(2, 3), mk.f(2, 3), mk.f(2, 4))});
        t.add(new Object[] {"axpby shapes differ", (Call) (be, mk) -> be.axpby(1, mk.f(3), 1, mk.f(4))});
        t.add(new Object[] {"axpby dtypes differ", (Call) (be, mk) -> be.axpby(1, mk.f(3), 1, mk.t(DType.FLOAT64, 3))});
        t.add(new Object[] {"unary op missing", (Call) (be, mk) -> be.unary(null, mk.f(3), mk.f(3))});
        t.add(new Object[] {"unary y shape", (Call) (be, mk) -> be.unary(UnaryOp.EXP, mk.f(3), mk.f(2))});
        t.add(new Object[] {"unaryBackward dx shape", (Call) (be, mk) ->
                be.unaryBackward(UnaryOp.TANH, mk.f(3), mk.f(3), mk.f(3), mk.f(3, 1))});
        t.add(new Object[] {"binary out dtype", (Call) (be, mk) ->
                be.binary(BinaryOp.MAX, mk.f(3), mk.f(3), mk.t(DType.FLOAT64, 3))});
        t.add(new Object[] {"addRowVector length", (Call) (be, mk) -> be.addRowVector(mk.f(4, 3), mk.f(4))});
        t.add(new Object[] {"addRowVector scalar x", (Call) (be, mk) -> be.addRowVector(mk.f(), mk.f(1))});
        t.add(new Object[] {"sumRows out dtype", (Call) (be, mk) ->
                be.sumRows(mk.f(4, 3), mk.t(DType.FLOAT64, 3), false)});
        t.add(new Object[] {"gatherRows index out of range", (Call) (be, mk) ->
                be.gatherRows(mk.f(5, 3), new int[] {0, 5}, mk.f(2, 3))});
        t.add(new Object[] {"gatherRows negative index", (Call) (be, mk) ->
                be.gatherRows(mk.f(5, 3), new int[] {-1}, mk.f(1, 3))});
        t.add(new Object[] {"gatherRows dst rows", (Call) (be, mk) ->
                be.gatherRows(mk.f(5, 3), new int[] {0, 1}, mk.f(3, 3))});
        t.add(new Object[] {"gatherRows dst columns", (Call) (be, mk) ->
                be.gatherRows(mk.f(5, 3), new int[] {0, 1}, mk.f(2, 4))});
        t.add(new Object[] {"gatherRows rows missing", (Call) (be, mk) -> be.gatherRows(mk.f(5, 3), null, mk.f(2, 3))});
        t.add(new Object[] {"scatterAddRows index out of range", (Call) (be, mk) ->
                be.scatterAddRows(mk.f(2, 3), new int[] {0, 7}, mk.f(5, 3))});
        t.add(new Object[] {"scatterAddRows in place", (Call) (be, mk) -> {
            Tensor d = mk.f(2, 3);
            be.scatterAddRows(d.reshape(2, 3), new int[] {0, 1}, d);
        }});
        t.add(new Object[] {"mseLoss target shape", (Call) (be, mk) -> be.mseLoss(mk.f(2, 3), mk.f(3, 2), null)});
        t.add(new Object[] {"mseLoss dPred shape", (Call) (be, mk) -> be.mseLoss(mk.f(2, 3), mk.f(2, 3), mk.f(6))});
        t.add(new Object[] {"mseLoss empty", (Call) (be, mk) -> be.mseLoss(mk.f(0, 3), mk.f(0, 3), null)});
        t.add(new Object[] {"softmaxCrossEntropy label count", (Call) (be, mk) ->
                be.softmaxCrossEntropy(mk.f(2, 4), new int[] {1}, null)});
        t.add(new Object[] {"softmaxCrossEntropy label out of range", (Call) (be, mk) ->
                be.softmaxCrossEntropy(mk.f(2, 4), new int[] {1, 4}, null)});
        t.add(new Object[] {"softmaxCrossEntropy no classes", (Call) (be, mk) ->
                be.softmaxCrossEntropy(mk.f(2, 0), new int[] {0, 0}, null)});
        t.add(new Object[] {"softmaxCrossEntropy dLogits shape", (Call) (be, mk) ->
                be.softmaxCrossEntropy(mk.f(2, 4), new int[] {0, 1}, mk.f(4, 2))});
        t.add(new Object[] {"dropout p = 1", (Call) (be, mk) -> be.dropout(mk.f(3), mk.f(3), 1.0, 1, 0)});
        t.add(new Object[] {"dropout p < 0", (Call) (be, mk) -> be.dropout(mk.f(3), mk.f(3), -0.1, 1, 0)});
        t.add(new Object[] {"dropout y shape", (Call) (be, mk) -> be.dropout(mk.f(3), mk.f(4), 0.5, 1, 0)});
        t.add(new Object[] {"sgd momentum without a buffer", (Call) (be, mk) ->
                be.sgdStep(mk.f(3), mk.f(3), null, MOMENTUM, 1)});
        t.add(new Object[] {"sgd step 0", (Call) (be, mk) ->
                be.sgdStep(mk.f(3), mk.f(3), null, SgdConfig.plain(0.1), 0)});
        t.add(new Object[] {"sgd buffer aliases param", (Call) (be, mk) -> {
            Tensor p = mk.f(3);
            be.sgdStep(p, mk.f(3), p.reshape(3), MOMENTUM, 1);
        }});
        t.add(new Object[] {"sgd grad shape", (Call) (be, mk) ->
                be.sgdStep(mk.f(3), mk.f(4), null, SgdConfig.plain(0.1), 1)});
        t.add(new Object[] {"adam m aliases v", (Call) (be, mk) -> {
            Tensor m = mk.f(3);
            be.adamStep(mk.f(3), mk.f(3), m, m.reshape(3), AdamConfig.defaults(0.01), 1);
        }});
        t.add(new Object[] {"adam v shape", (Call) (be, mk) ->
                be.adamStep(mk.f(3), mk.f(3), mk.f(3), mk.f(2), AdamConfig.defaults(0.01), 1)});
        t.add(new Object[] {"adam step 0", (Call) (be, mk) ->
                be.adamStep(mk.f(3), mk.f(3), mk.f(3), mk.f(3), AdamConfig.defaults(0.01), 0)});
        t.add(new Object[] {"adam config missing", (Call) (be, mk) ->
                be.adamStep(mk.f(3), mk.f(3), mk.f(3), mk.f(3), null, 1)});
        t.add(new Object[] {"rmsprop momentum without a buffer", (Call) (be, mk) ->
                be.rmspropStep(mk.f(3), mk.f(3), mk.f(3), null, null, new RmspropConfig(0.01, 0.99, 1e-8, 0, 0.9,
                        false), 1)});
        t.add(new Object[] {"rmsprop centered without grad_avg", (Call) (be, mk) ->
                be.rmspropStep(mk.f(3), mk.f(3), mk.f(3), null, null, new RmspropConfig(0.01, 0.99, 1e-8, 0, 0,
                        true), 1)});
        t.add(new Object[] {"rmsprop square_avg aliases grad_avg", (Call) (be, mk) -> {
            Tensor sq = mk.f(3);
            be.rmspropStep(mk.f(3), mk.f(3), sq, null, sq.reshape(3), new RmspropConfig(0.01, 0.99, 1e-8, 0, 0,
                    true), 1);
        }});
        t.add(new Object[] {"rmsprop square_avg shape", (Call) (be, mk) ->
                be.rmspropStep(mk.f(3), mk.f(3), mk.f(2), null, null, RmspropConfig.defaults(0.01), 1)});
        t.add(new Object[] {"rmsprop step 0", (Call) (be, mk) ->
                be.rmspropStep(mk.f(3), mk.f(3), mk.f(3), null, null, RmspropConfig.defaults(0.01), 0)});
        t.add(new Object[] {"adagrad sum aliases param", (Call) (be, mk) -> {
            Tensor p = mk.f(3);
            be.adagradStep(p, mk.f(3), p.reshape(3), AdagradConfig.defaults(0.01), 1);
        }});
        t.add(new Object[] {"adagrad sum shape", (Call) (be, mk) ->
                be.adagradStep(mk.f(3), mk.f(3), mk.f(4), AdagradConfig.defaults(0.01), 1)});
        t.add(new Object[] {"adagrad step 0", (Call) (be, mk) ->
                be.adagradStep(mk.f(3), mk.f(3), mk.f(3), AdagradConfig.defaults(0.01), 0)});
        t.add(new Object[] {"copy element counts differ", (Call) (be, mk) -> be.copy(mk.f(3), mk.f(4))});
        t.add(new Object[] {"copy dtypes differ", (Call) (be, mk) -> be.copy(mk.f(3), mk.t(DType.FLOAT64, 3))});
        t.add(new Object[] {"upload data length", (Call) (be, mk) ->
                be.upload(new float[5], Shape.of(2, 3), DType.FLOAT32)});
        t.add(new Object[] {"upload double data length", (Call) (be, mk) ->
                be.upload(new double[7], Shape.of(2, 3), DType.FLOAT32)});
        t.add(new Object[] {"upload dtype missing", (Call) (be, mk) -> be.upload(new float[6], Shape.of(2, 3), null)});
        t.add(new Object[] {"allocate shape missing", (Call) (be, mk) -> be.allocate(DType.FLOAT32, null)});
        t.add(new Object[] {"fill a missing tensor", (Call) (be, mk) -> be.fill(null, 1)});
        return t;
    }

    @TestFactory
    Stream<DynamicTest> badCallsFailLikeOnTheCpuBeforeAnyNativeCall() {
        return table().stream().map(row -> DynamicTest.dynamicTest((String) row[0], () -> {
            Call call = (Call) row[1];
            IllegalArgumentException onCpu = assertThrows(IllegalArgumentException.class,
                    () -> call.run(cpu, cpuMaker()), row[0] + " on the cpu backend");
            IllegalArgumentException onCuda = assertThrows(IllegalArgumentException.class,
                    () -> call.run(cuda, cudaMaker()), row[0] + " on the cuda backend");
            assertEquals(onCpu.getMessage(), onCuda.getMessage(), (String) row[0]);
        }));
    }

    @Test
    void anotherBackendsTensorIsRejectedByName() {
        Tensor mine = fake(cuda, DType.FLOAT32, 3);
        Tensor theirs = cpu.allocate(DType.FLOAT32, Shape.of(3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cuda.axpby(1, mine, 1, theirs));
        assertEquals("y: tensor belongs to backend 'cpu', not 'cuda'", e.getMessage());
        try (CudaBackend other = new CudaBackend((CudaContext) null)) {
            Tensor elsewhere = fake(other, DType.FLOAT32, 3);
            e = assertThrows(IllegalArgumentException.class, () -> cuda.axpby(1, mine, 1, elsewhere));
            assertEquals("y: tensor belongs to another cuda backend (another device or context), not this one",
                    e.getMessage());
        }
        e = assertThrows(IllegalArgumentException.class, () -> CudaTensor.of(theirs, "weights"));
        assertTrue(e.getMessage().startsWith("weights: expected a tensor of the cuda backend, got"), e.getMessage());
    }

    @Test
    void aClosedTensorIsRejectedByName() {
        Tensor t = fake(cuda, DType.FLOAT64, 2, 2);
        Tensor view = t.reshape(4);
        view.close(); // closing a view frees nothing
        ((CudaTensor) t).checkLive("t");
        t.close();
        t.close(); // idempotent
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cuda.fill(t, 0));
        assertEquals("t: tensor [2, 2] float64 has been closed", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> cuda.sum(view));
        assertEquals("x: tensor [4] float64 has been closed", e.getMessage());
    }
}
