package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gated.cpu.CpuBackend;
import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.model.Objective;
import dev.gated.engine.model.Optimizer;
import dev.gated.engine.model.RandomBatches;
import dev.gated.engine.model.SequenceModel;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Optimizer} on the CPU backend in float64 against the update rules torch.optim documents (SGD with momentum
 * and Nesterov, Adam, AdamW, RMSprop plain/momentum/centered, Adagrad with lr_decay), computed on the host from the
 * model's own gradients; and its exported state (names, shapes, resume).
 */
class OptimizerTest {
    private static final int STEPS = 3;
    private static Backend backend;

    @BeforeAll
    static void open() {
        backend = new CpuBackend(2);
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    private static RnnSpec spec(DType dtype) {
        return new RnnSpec(CellType.LSTM, 3, 4, 2, false, dtype);
    }

    private static SequenceModel model(DType dtype) {
        return new SequenceModel(backend, spec(dtype), 2, Objective.REGRESSION, 42);
    }

    /** Random inputs and targets with variable lengths. */
    private static SequenceBatch batch() {
        return RandomBatches.regression(4, 3, 2, new int[] {4, 2, 3}, 5);
    }

    private static Map<String, double[]> read(SequenceModel model, boolean gradients) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (String name : model.parameterNames()) {
            out.put(name, gradients ? model.readGradient(name) : model.readParameter(name));
        }
        return out;
    }

    /** One parameter's host replay of a step: updates {@code p} in place from {@code g} (state kept by name). */
    private interface HostStep {
        void apply(String name, double[] p, double[] g, int step);
    }

    /**
     * STEPS steps on {@code batch}: each replays the update on the host copy {@code p} of the parameters (from the
     * model's gradients), then lets {@code opt} step, and the model must match the replay.
     */
    private static void replay(SequenceModel model, Optimizer opt, SequenceBatch batch, Map<String, double[]> p,
                               String what, HostStep update) {
        for (int step = 1; step <= STEPS; step++) {
            model.forwardBackward(batch);
            Map<String, double[]> grads = read(model, true);
            for (String name : model.parameterNames()) {
                update.apply(name, p.get(name), grads.get(name), step);
            }
            opt.step();
            assertEquals(step, opt.steps());
            assertClose(p, model, what + step);
        }
    }

    private static void assertClose(Map<String, double[]> expected, SequenceModel model, String what) {
        for (String name : model.parameterNames()) {
            double[] e = expected.get(name);
            double[] a = model.readParameter(name);
            assertEquals(e.length, a.length, name);
            for (int i = 0; i < e.length; i++) {
                double tol = 1e-12 * Math.max(Math.abs(e[i]), 1e-3);
                if (!(Math.abs(a[i] - e[i]) <= tol)) {
                    fail(what + ": " + name + "[" + i + "]: expected " + e[i] + ", got " + a[i] + " (diff "
                            + (a[i] - e[i]) + ")");
                }
            }
        }
    }

    // ---- update rules ----

    @ParameterizedTest(name = "lr={0} momentum={1} weightDecay={2}")
    @CsvSource({"0.1,0,0", "0.1,0.9,0.01", "0.1,0,0.01", "0.05,0.5,0"})
    void sgdFollowsTorchOptimSgd(double lr, double momentum, double weightDecay) {
        SequenceBatch batch = batch();
        try (SequenceModel model = model(DType.FLOAT64);
             Optimizer opt = new Optimizer(model, Optimizer.Settings.sgd(lr, momentum, weightDecay))) {
            Map<String, double[]> p = read(model, false);
            Map<String, double[]> buf = new HashMap<>();
            replay(model, opt, batch, p, "step ", (name, pv, gv, step) -> {
                double[] bv = buf.computeIfAbsent(name, k -> new double[pv.length]);
                for (int i = 0; i < pv.length; i++) {
                    double g = gv[i] + weightDecay * pv[i];
                    if (momentum != 0) {
                        bv[i] = step == 1 ? g : momentum * bv[i] + g;
                        g = bv[i];
                    }
                    pv[i] -= lr * g;
                }
            });
            Map<String, HostTensor> state = opt.exportState();
            if (momentum == 0) {
                assertTrue(state.isEmpty(), "plain SGD has no state: " + state.keySet());
            } else {
                assertEquals(model.parameterNames().size(), state.size());
                for (String name : model.parameterNames()) {
                    assertExported(buf.get(name), state.get("momentum_buffer." + name), "momentum_buffer." + name);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} weightDecay={1}")
    @CsvSource({"ADAM,0", "ADAM,0.1", "ADAMW,0.1", "ADAMW,0"})
    void adamFollowsTorchOptimAdamAndAdamW(Optimizer.Kind kind, double weightDecay) {
        double lr = 0.01;
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        boolean decoupled = kind == Optimizer.Kind.ADAMW;
        SequenceBatch batch = batch();
        try (SequenceModel model = model(DType.FLOAT64);
             Optimizer opt = new Optimizer(model, Optimizer.Settings.adam(kind, lr, weightDecay))) {
            Map<String, double[]> p = read(model, false);
            Map<String, double[]> m = new HashMap<>();
            Map<String, double[]> v = new HashMap<>();
            replay(model, opt, batch, p, kind + " step ", (name, pv, gv, step) -> {
                double[] mv = m.computeIfAbsent(name, k -> new double[pv.length]);
                double[] vv = v.computeIfAbsent(name, k -> new double[pv.length]);
                for (int i = 0; i < pv.length; i++) {
                    double g = gv[i];
                    if (decoupled) {
                        pv[i] *= 1 - lr * weightDecay;
                    } else {
                        g += weightDecay * pv[i];
                    }
                    mv[i] = b1 * mv[i] + (1 - b1) * g;
                    vv[i] = b2 * vv[i] + (1 - b2) * g * g;
                    double mhat = mv[i] / (1 - Math.pow(b1, step));
                    double vhat = vv[i] / (1 - Math.pow(b2, step));
                    pv[i] -= lr * mhat / (Math.sqrt(vhat) + eps);
                }
            });
            Map<String, HostTensor> state = opt.exportState();
            assertEquals(2 * model.parameterNames().size(), state.size());
            for (String name : model.parameterNames()) {
                assertExported(m.get(name), state.get("exp_avg." + name), "exp_avg." + name);
                assertExported(v.get(name), state.get("exp_avg_sq." + name), "exp_avg_sq." + name);
            }
        }
    }

    @ParameterizedTest(name = "alpha={0} momentum={1} centered={2} weightDecay={3}")
    @CsvSource({"0.99,0,false,0", "0.9,0.9,false,0.01", "0.9,0,true,0", "0.8,0.5,true,0.05"})
    void rmspropFollowsTorchOptimRmsprop(double alpha, double momentum, boolean centered, double weightDecay) {
        double lr = 0.01;
        double eps = 1e-8;
        SequenceBatch batch = batch();
        try (SequenceModel model = model(DType.FLOAT64);
             Optimizer opt = new Optimizer(model, Optimizer.Settings.rmsprop(lr, alpha, eps, weightDecay, momentum,
                     centered))) {
            Map<String, double[]> p = read(model, false);
            Map<String, double[]> sq = new HashMap<>();
            Map<String, double[]> buf = new HashMap<>();
            Map<String, double[]> avg = new HashMap<>();
            replay(model, opt, batch, p, "rmsprop step ", (name, pv, gv, step) -> {
                double[] v = sq.computeIfAbsent(name, k -> new double[pv.length]);
                double[] b = buf.computeIfAbsent(name, k -> new double[pv.length]);
                double[] a = avg.computeIfAbsent(name, k -> new double[pv.length]);
                for (int i = 0; i < pv.length; i++) {
                    // torch.optim.RMSprop's documented algorithm, state starting at 0.
                    double g = gv[i] + weightDecay * pv[i];
                    v[i] = alpha * v[i] + (1 - alpha) * g * g;
                    double vt = v[i];
                    if (centered) {
                        a[i] = alpha * a[i] + (1 - alpha) * g;
                        vt -= a[i] * a[i];
                    }
                    double denom = Math.sqrt(vt) + eps;
                    if (momentum > 0) {
                        b[i] = momentum * b[i] + g / denom;
                        pv[i] -= lr * b[i];
                    } else {
                        pv[i] -= lr * g / denom;
                    }
                }
            });
            Map<String, HostTensor> state = opt.exportState();
            int perParam = 1 + (momentum > 0 ? 1 : 0) + (centered ? 1 : 0);
            assertEquals(perParam * model.parameterNames().size(), state.size(), state.keySet()::toString);
            for (String name : model.parameterNames()) {
                assertExported(sq.get(name), state.get("square_avg." + name), "square_avg." + name);
                if (momentum > 0) {
                    assertExported(buf.get(name), state.get("momentum_buffer." + name), "momentum_buffer." + name);
                }
                if (centered) {
                    assertExported(avg.get(name), state.get("grad_avg." + name), "grad_avg." + name);
                }
            }
        }
    }

    @ParameterizedTest(name = "lrDecay={0} weightDecay={1} initialAccumulatorValue={2}")
    @CsvSource({"0,0,0", "0.1,0,0.1", "0.05,0.01,0", "0.5,0.1,1"})
    void adagradFollowsTorchOptimAdagrad(double lrDecay, double weightDecay, double initial) {
        double lr = 0.05;
        double eps = 1e-10;
        SequenceBatch batch = batch();
        try (SequenceModel model = model(DType.FLOAT64);
             Optimizer opt = new Optimizer(model, Optimizer.Settings.adagrad(lr, lrDecay, weightDecay, eps,
                     initial))) {
            Map<String, double[]> p = read(model, false);
            Map<String, double[]> sum = new HashMap<>();
            // PyTorch's state before the first step: initial_accumulator_value everywhere.
            for (HostTensor t : opt.exportState().values()) {
                for (float f : t.toFloatArray()) {
                    assertEquals((float) initial, f);
                }
            }
            replay(model, opt, batch, p, "adagrad step ", (name, pv, gv, step) -> {
            double clr = lr / (1 + (step - 1) * lrDecay);
                double[] sv = sum.computeIfAbsent(name, k -> {
                    double[] init = new double[pv.length];
                    java.util.Arrays.fill(init, initial);
                    return init;
                });
                for (int i = 0; i < pv.length; i++) {
                    double g = gv[i] + weightDecay * pv[i];
                    sv[i] += g * g;
                    pv[i] -= clr * g / (Math.sqrt(sv[i]) + eps);
                }
            });
            Map<String, HostTensor> state = opt.exportState();
            assertEquals(model.parameterNames().size(), state.size());
            for (String name : model.parameterNames()) {
                assertExported(sum.get(name), state.get("sum." + name), "sum." + name);
            }
        }
    }

    @Test
    void sgdWithNesterovFollowsTorchOptimSgd() {
        double lr = 0.05;
        double momentum = 0.9;
        double weightDecay = 0.01;
        SequenceBatch batch = batch();
        try (SequenceModel model = model(DType.FLOAT64);
             Optimizer opt = new Optimizer(model, Optimizer.Settings.sgd(lr, momentum, weightDecay, true))) {
            Map<String, double[]> p = read(model, false);
            Map<String, double[]> buf = new HashMap<>();
            replay(model, opt, batch, p, "nesterov step ", (name, pv, gv, step) -> {
                double[] bv = buf.computeIfAbsent(name, k -> new double[pv.length]);
                for (int i = 0; i < pv.length; i++) {
                    double g = gv[i] + weightDecay * pv[i];
                    bv[i] = step == 1 ? g : momentum * bv[i] + g;
                    pv[i] -= lr * (g + momentum * bv[i]);
                }
            });
        }
    }

    /** Exported state is float32: the host value rounded, to float precision. */
    private static void assertExported(double[] expected, HostTensor t, String key) {
        assertTrue(t != null, key + " exported");
        float[] f = t.toFloatArray();
        assertEquals(expected.length, f.length, key);
        for (int i = 0; i < f.length; i++) {
            assertEquals(expected[i], f[i], 1e-6 * Math.abs(expected[i]) + 1e-30, key + "[" + i + "]");
        }
    }

    // ---- exported state ----

    /** Settings of each kind with every state tensor it can have and weight decay on. */
    private static Optimizer.Settings fullSettings(Optimizer.Kind kind) {
        return switch (kind) {
            case SGD -> Optimizer.Settings.sgd(0.1, 0.9, 0.01);
            case ADAM, ADAMW -> Optimizer.Settings.adam(kind, 0.01, 0.1);
            case RMSPROP -> Optimizer.Settings.rmsprop(0.01, 0.9, 1e-8, 0.01, 0.5, true);
            case ADAGRAD -> Optimizer.Settings.adagrad(0.05, 0.01, 0.01, 1e-10, 0.1);
        };
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"SGD", "ADAM", "ADAMW", "RMSPROP", "ADAGRAD"})
    void exportedStateHasPyTorchNamesAndTheParametersShapes(String kindName) {
        Optimizer.Kind kind = Optimizer.Kind.valueOf(kindName);
        Optimizer.Settings settings = fullSettings(kind);
        try (SequenceModel model = model(DType.FLOAT64); Optimizer opt = new Optimizer(model, settings)) {
            model.forwardBackward(batch());
            opt.step();
            Map<String, HostTensor> state = opt.exportState();
            List<String> prefixes = switch (kind) {
                case SGD -> List.of("momentum_buffer");
                case ADAM, ADAMW -> List.of("exp_avg", "exp_avg_sq");
                case RMSPROP -> List.of("square_avg", "momentum_buffer", "grad_avg");
                case ADAGRAD -> List.of("sum");
            };
            List<String> expectedKeys = new ArrayList<>();
            for (String prefix : prefixes) {
                for (String name : model.parameterNames()) {
                    expectedKeys.add(prefix + "." + name);
                }
            }
            assertEquals(expectedKeys, new ArrayList<>(state.keySet()));
            for (String key : expectedKeys) {
                String param = key.substring(key.indexOf('.') + 1);
                assertEquals(model.parameterShape(param), state.get(key).shape(), key);
            }
            if (kind == Optimizer.Kind.SGD) {
                assertTrue(state.containsKey("momentum_buffer.rnn.weight_ih_l0"));
            } else if (kind == Optimizer.Kind.RMSPROP) {
                assertTrue(state.containsKey("square_avg.head.weight"));
                assertTrue(state.containsKey("grad_avg.rnn.bias_hh_l1"));
            } else if (kind == Optimizer.Kind.ADAGRAD) {
                assertTrue(state.containsKey("sum.rnn.weight_hh_l0"));
            } else {
                assertTrue(state.containsKey("exp_avg.head.weight"));
                assertTrue(state.containsKey("exp_avg_sq.head.bias"));
                assertTrue(state.containsKey("exp_avg_sq.rnn.bias_hh_l1"));
            }
        }
    }

    /**
     * Resume: a fresh optimizer over a model with the same parameters that imports the exported state continues
     * bit for bit like the original. Exported state is float32, so this is exact for a float32 model (for a
     * float64 one the state is rounded on export).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"SGD", "ADAM", "ADAMW", "RMSPROP", "ADAGRAD"})
    void importedStateResumesExactly(String kindName) {
        Optimizer.Kind kind = Optimizer.Kind.valueOf(kindName);
        Optimizer.Settings settings = fullSettings(kind);
        SequenceBatch batch = batch();
        try (SequenceModel original = model(DType.FLOAT32);
             Optimizer opt = new Optimizer(original, settings)) {
            for (int i = 0; i < 2; i++) {
                original.forwardBackward(batch);
                opt.step();
            }
            Map<String, HostTensor> state = opt.exportState();
            try (SequenceModel resumed = new SequenceModel(backend, spec(DType.FLOAT32), 2, Objective.REGRESSION,
                    1234); Optimizer fresh = new Optimizer(resumed, settings)) {
                for (String name : original.parameterNames()) {
                    resumed.writeParameter(name, original.readParameter(name));
                }
                fresh.importState(state, opt.steps());
                assertEquals(2, fresh.steps());
                for (int i = 0; i < 2; i++) {
                    original.forwardBackward(batch);
                    opt.step();
                    resumed.forwardBackward(batch);
                    fresh.step();
                }
                for (String name : original.parameterNames()) {
                    double[] a = original.readParameter(name);
                    double[] b = resumed.readParameter(name);
                    for (int i = 0; i < a.length; i++) {
                        assertEquals(Double.doubleToRawLongBits(a[i]), Double.doubleToRawLongBits(b[i]),
                                name + "[" + i + "]: " + a[i] + " vs " + b[i]);
                    }
                }
                assertEquals(opt.exportState(), fresh.exportState(), "the same state after resuming");
            }
        }
    }

    @Test
    void importedStateOfAFloat64ModelIsTheFloat32Rounding() {
        SequenceBatch batch = batch();
        try (SequenceModel model = model(DType.FLOAT64);
             Optimizer opt = new Optimizer(model, Optimizer.Settings.adam(Optimizer.Kind.ADAM, 0.01, 0))) {
            model.forwardBackward(batch);
            opt.step();
            Map<String, HostTensor> state = opt.exportState();
            opt.importState(state, opt.steps());
            assertEquals(state, opt.exportState(), "export -> import -> export is stable");
        }
    }

    @Test
    void importStateNamesAMissingOrMisshapenTensor() {
        try (SequenceModel model = model(DType.FLOAT64);
             Optimizer opt = new Optimizer(model, Optimizer.Settings.adam(Optimizer.Kind.ADAMW, 0.01, 0.1))) {
            model.forwardBackward(batch());
            opt.step();
            Map<String, HostTensor> state = new LinkedHashMap<>(opt.exportState());
            state.remove("exp_avg_sq.head.bias");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> opt.importState(state, 1));
            assertTrue(e.getMessage().contains("exp_avg_sq.head.bias"), e.getMessage());

            Map<String, HostTensor> misshapen = new LinkedHashMap<>(opt.exportState());
            misshapen.put("exp_avg.head.weight", HostTensor.ofFloats(dev.gated.engine.backend.Shape.of(3),
                    new float[3]));
            e = assertThrows(IllegalArgumentException.class, () -> opt.importState(misshapen, 1));
            assertTrue(e.getMessage().contains("exp_avg.head.weight"), e.getMessage());
        }
    }

    @Test
    void plainSgdHasNoStateAndImportsAnEmptyOne() {
        try (SequenceModel model = model(DType.FLOAT64);
             Optimizer opt = new Optimizer(model, Optimizer.Settings.sgd(0.1, 0, 0.01))) {
            assertTrue(opt.exportState().isEmpty());
            model.forwardBackward(batch());
            opt.step();
            assertTrue(opt.exportState().isEmpty());
            opt.importState(Map.of(), 7);
            assertEquals(7, opt.steps());
        }
    }

    @Test
    void learningRateMustBeAFiniteNonNegativeNumber() {
        try (SequenceModel model = model(DType.FLOAT64);
             Optimizer opt = new Optimizer(model, Optimizer.Settings.sgd(0.1, 0, 0))) {
            assertThrows(IllegalArgumentException.class, () -> opt.setLearningRate(-1));
            assertThrows(IllegalArgumentException.class, () -> opt.setLearningRate(Double.NaN));
            assertThrows(IllegalArgumentException.class, () -> opt.setLearningRate(Double.POSITIVE_INFINITY));
            assertEquals(0.1, opt.learningRate());
            opt.setLearningRate(0);
            assertEquals(0, opt.learningRate());
            Map<String, double[]> before = read(model, false);
            model.forwardBackward(batch());
            opt.step();
            assertClose(before, model, "lr 0 leaves the parameters");
        }
        try (SequenceModel model = model(DType.FLOAT64)) {
            assertThrows(IllegalArgumentException.class,
                    () -> new Optimizer(model, Optimizer.Settings.sgd(-0.1, 0, 0)));
            assertThrows(IllegalArgumentException.class,
                    () -> new Optimizer(model, Optimizer.Settings.adam(Optimizer.Kind.ADAM, 0.01, -1)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Optimizer(model, Optimizer.Settings.rmsprop(0.01, 1.5, 1e-8, 0, 0, false)));
            assertTrue(e.getMessage().startsWith("alpha: expected a value in [0.0, 1.0)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> new Optimizer(model, Optimizer.Settings.adagrad(0.01, -0.1, 0, 1e-10, 0)));
            assertTrue(e.getMessage().startsWith("lrDecay: expected a finite value >= 0"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> new Optimizer(model, Optimizer.Settings.sgd(0.01, 0, 0, true)));
            assertTrue(e.getMessage().startsWith("nesterov: needs momentum > 0"), e.getMessage());
        }
    }

    @Test
    void setLearningRateAppliesFromTheNextStep() {
        SequenceBatch batch = batch();
        try (SequenceModel model = model(DType.FLOAT64);
             Optimizer opt = new Optimizer(model, Optimizer.Settings.sgd(0.1, 0, 0))) {
            opt.setLearningRate(0.02);
            Map<String, double[]> p = read(model, false);
            model.forwardBackward(batch);
            Map<String, double[]> g = read(model, true);
            for (String name : model.parameterNames()) {
                double[] pv = p.get(name);
                for (int i = 0; i < pv.length; i++) {
                    pv[i] -= 0.02 * g.get(name)[i];
                }
            }
            opt.step();
            assertClose(p, model, "lr 0.02");
        }
    }
}
