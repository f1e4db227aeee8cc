package dev.gated.engine.model;

import dev.gated.engine.backend.AdamConfig;
import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.SgdConfig;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.io.HostTensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SGD (with momentum, Nesterov), Adam or AdamW over a {@link SequenceModel}'s parameters, with the update rules
 * PyTorch documents (the fused backend steps). Its state tensors live on the backend next to the parameters and
 * are exported per parameter under PyTorch names ({@code momentum_buffer.rnn.weight_ih_l0},
 * {@code exp_avg.head.weight}, ...), so a checkpoint written on one backend loads on another.
 */
public final class Optimizer implements AutoCloseable {
    /** The algorithm; the names are what checkpoints record. */
    public enum Kind {
        SGD("momentum_buffer"), ADAM("exp_avg", "exp_avg_sq"), ADAMW("exp_avg", "exp_avg_sq");

        private final List<String> stateNames;

        Kind(String... stateNames) {
            this.stateNames = List.of(stateNames);
        }

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param lr          learning rate
     * @param momentum    SGD momentum (0: plain SGD, no state)
     * @param nesterov    SGD Nesterov momentum
     * @param weightDecay L2 penalty added to the gradient (SGD, Adam) or decoupled decay (AdamW)
     * @param beta1       Adam's first-moment decay
     * @param beta2       Adam's second-moment decay
     * @param eps         Adam's denominator term
     */
    public record Settings(Kind kind, double lr, double momentum, boolean nesterov, double weightDecay, double beta1,
                           double beta2, double eps) {
        public static Settings sgd(double lr, double momentum, double weightDecay) {
            return new Settings(Kind.SGD, lr, momentum, false, weightDecay, 0.9, 0.999, 1e-8);
        }

        public static Settings adam(Kind kind, double lr, double weightDecay) {
            return new Settings(kind, lr, 0, false, weightDecay, 0.9, 0.999, 1e-8);
        }
    }

    private final SequenceModel model;
    private final Backend backend;
    private final Settings settings;
    /** State tensors by state name (e.g. exp_avg), each with one tensor per parameter group. */
    private final Map<String, Tensor[]> state = new LinkedHashMap<>();
    private double lr;
    private long steps;

    public Optimizer(SequenceModel model, Settings settings) {
        this.model = model;
        this.backend = model.backend();
        this.settings = settings;
        this.lr = settings.lr();
        // Validates the settings now rather than at the first step.
        config(lr);
        boolean stateless = settings.kind() == Kind.SGD && settings.momentum() == 0;
        if (!stateless) {
            Tensor[] params = model.parameterGroups();
            for (String name : settings.kind().stateNames) {
                Tensor[] groups = new Tensor[params.length];
                for (int g = 0; g < params.length; g++) {
                    groups[g] = backend.allocate(params[g].dtype(), params[g].shape());
                }
                state.put(name, groups);
            }
        }
    }

    public Settings settings() {
        return settings;
    }

    /** Updates applied so far (Adam's t). */
    public long steps() {
        return steps;
    }

    public double learningRate() {
        return lr;
    }

    public void setLearningRate(double lr) {
        if (!(lr >= 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("learning rate: expected a finite number >= 0, got " + lr);
        }
        this.lr = lr;
    }

    private Object config(double lr) {
        return switch (settings.kind()) {
            case SGD -> new SgdConfig(lr, settings.momentum(), 0, settings.weightDecay(), settings.nesterov());
            case ADAM, ADAMW -> new AdamConfig(lr, settings.beta1(), settings.beta2(), settings.eps(),
                    settings.weightDecay(), settings.kind() == Kind.ADAMW);
        };
    }

    /** One update of every parameter with the gradients of the model's last forward-backward pass. */
    public void step() {
        steps++;
        Tensor[] params = model.parameterGroups();
        Tensor[] grads = model.gradientGroups();
        Object config = config(lr);
        for (int g = 0; g < params.length; g++) {
            if (config instanceof SgdConfig sgd) {
                Tensor[] buf = state.get("momentum_buffer");
                backend.sgdStep(params[g], grads[g], buf == null ? null : buf[g], sgd, steps);
            } else {
                backend.adamStep(params[g], grads[g], state.get("exp_avg")[g], state.get("exp_avg_sq")[g],
                        (AdamConfig) config, steps);
            }
        }
    }

    /** The state as float32 tensors named {@code <state>.<parameter>} in the parameters' PyTorch shapes. */
    public Map<String, HostTensor> exportState() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor[]> e : state.entrySet()) {
            for (String name : model.parameterNames()) {
                double[] v = model.read(name, e.getValue());
                float[] f = new float[v.length];
                for (int i = 0; i < v.length; i++) {
                    f[i] = (float) v[i];
                }
                out.put(e.getKey() + "." + name, HostTensor.ofFloats(model.parameterShape(name), f));
            }
        }
        return out;
    }

    /**
     * Restores state written by {@link #exportState} and the step count; every expected tensor must be present
     * with its shape.
     */
    public void importState(Map<String, HostTensor> tensors, long steps) {
        for (Map.Entry<String, Tensor[]> e : state.entrySet()) {
            for (String name : model.parameterNames()) {
                String key = e.getKey() + "." + name;
                HostTensor t = tensors.get(key);
                Shape shape = model.parameterShape(name);
                if (t == null || !t.shape().equals(shape)) {
                    throw new IllegalArgumentException("optimizer state '" + key + "': expected shape " + shape
                            + ", found " + (t == null ? "no such tensor" : t.shape()));
                }
                model.write(name, t.toDoubleArray(), e.getValue());
            }
        }
        this.steps = steps;
    }

    @Override
    public void close() {
        for (Tensor[] groups : state.values()) {
            for (Tensor t : groups) {
                t.close();
            }
        }
        state.clear();
    }
}
