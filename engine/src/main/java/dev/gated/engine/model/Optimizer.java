package dev.gated.engine.model;

import dev.gated.engine.backend.AdagradConfig;
import dev.gated.engine.backend.AdamConfig;
import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.RmspropConfig;
import dev.gated.engine.backend.SgdConfig;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.util.FloatArrays;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * SGD (with momentum, Nesterov), Adam, AdamW, RMSprop or Adagrad over a model's parameters ({@link ParameterSet}), with the
 * update rules PyTorch documents (the fused backend steps). Its state tensors live on the backend next to the
 * parameters and are exported per parameter under PyTorch names ({@code momentum_buffer.rnn.weight_ih_l0},
 * {@code exp_avg.head.weight}, {@code square_avg.*}, {@code grad_avg.*}, {@code sum.*}), so a checkpoint written on
 * one backend loads on another.
 */
public final class Optimizer implements AutoCloseable {
    /** The algorithm; the names are what checkpoints record. */
    public enum Kind {
        SGD, ADAM, ADAMW, RMSPROP, ADAGRAD;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param lr                      learning rate
     * @param momentum                SGD and RMSprop momentum (0: none, no momentum buffer)
     * @param nesterov                SGD Nesterov momentum
     * @param weightDecay             L2 penalty added to the gradient (SGD, Adam, RMSprop, Adagrad) or decoupled
     *                                decay (AdamW)
     * @param beta1                   Adam's first-moment decay
     * @param beta2                   Adam's second-moment decay
     * @param eps                     Adam's, RMSprop's and Adagrad's denominator term (added after the square root)
     * @param alpha                   RMSprop's smoothing constant
     * @param centered                RMSprop: normalise by the estimated variance of the gradient
     * @param lrDecay                 Adagrad's learning-rate decay
     * @param initialAccumulatorValue Adagrad's starting sum of squares
     */
    public record Settings(Kind kind, double lr, double momentum, boolean nesterov, double weightDecay, double beta1,
                           double beta2, double eps, double alpha, boolean centered, double lrDecay,
                           double initialAccumulatorValue) {
        public Settings {
            Objects.requireNonNull(kind, "kind");
        }

        public static Settings sgd(double lr, double momentum, double weightDecay) {
            return sgd(lr, momentum, weightDecay, false);
        }

        public static Settings sgd(double lr, double momentum, double weightDecay, boolean nesterov) {
            return new Settings(Kind.SGD, lr, momentum, nesterov, weightDecay, 0.9, 0.999, 1e-8, 0.99, false, 0, 0);
        }

        public static Settings adam(Kind kind, double lr, double weightDecay) {
            return adam(kind, lr, weightDecay, 0.9, 0.999, 1e-8);
        }

        public static Settings adam(Kind kind, double lr, double weightDecay, double beta1, double beta2,
                                    double eps) {
            if (kind != Kind.ADAM && kind != Kind.ADAMW) {
                throw new IllegalArgumentException("kind: expected ADAM or ADAMW, got " + kind);
            }
            return new Settings(kind, lr, 0, false, weightDecay, beta1, beta2, eps, 0.99, false, 0, 0);
        }

        /** torch.optim.RMSprop's defaults: alpha 0.99, eps 1e-8. */
        public static Settings rmsprop(double lr, double alpha, double eps, double weightDecay, double momentum,
                                       boolean centered) {
            return new Settings(Kind.RMSPROP, lr, momentum, false, weightDecay, 0.9, 0.999, eps, alpha, centered, 0,
                    0);
        }

        /** torch.optim.Adagrad's defaults: lr_decay 0, eps 1e-10, initial_accumulator_value 0. */
        public static Settings adagrad(double lr, double lrDecay, double weightDecay, double eps,
                                       double initialAccumulatorValue) {
            return new Settings(Kind.ADAGRAD, lr, 0, false, weightDecay, 0.9, 0.999, eps, 0.99, false, lrDecay,
                    initialAccumulatorValue);
        }

        /** The state tensors these settings keep per parameter, by PyTorch's names (none for plain SGD). */
        public List<String> stateNames() {
            return switch (kind) {
                case SGD -> momentum == 0 ? List.of() : List.of("momentum_buffer");
                case ADAM, ADAMW -> List.of("exp_avg", "exp_avg_sq");
                case RMSPROP -> {
                    List<String> names = new ArrayList<>(List.of("square_avg"));
                    if (momentum != 0) {
                        names.add("momentum_buffer");
                    }
                    if (centered) {
                        names.add("grad_avg");
                    }
                    yield List.copyOf(names);
                }
                case ADAGRAD -> List.of("sum");
            };
        }
    }

    private final ParameterSet model;
    private final Backend backend;
    private final Settings settings;
    /** State tensors by state name (e.g. exp_avg), each with one tensor per parameter group. */
    private final Map<String, Tensor[]> state = new LinkedHashMap<>();
    private double lr;
    private long steps;

    public Optimizer(ParameterSet model, Settings settings) {
        this.model = model;
        this.backend = model.backend();
        this.settings = settings;
        this.lr = settings.lr();
        // Validates the settings now rather than at the first step.
        config(lr);
        Tensor[] params = model.parameterGroups();
        for (String name : settings.stateNames()) {
            Tensor[] groups = new Tensor[params.length];
            for (int g = 0; g < params.length; g++) {
                groups[g] = backend.allocate(params[g].dtype(), params[g].shape());
                if (name.equals("sum") && settings.initialAccumulatorValue() != 0) {
                    // PyTorch's initial state, so the state exported before the first step is PyTorch's too.
                    backend.fill(groups[g], settings.initialAccumulatorValue());
                }
            }
            state.put(name, groups);
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
            case RMSPROP -> new RmspropConfig(lr, settings.alpha(), settings.eps(), settings.weightDecay(),
                    settings.momentum(), settings.centered());
            case ADAGRAD -> new AdagradConfig(lr, settings.lrDecay(), settings.weightDecay(), settings.eps(),
                    settings.initialAccumulatorValue());
        };
    }

    /**
     * One update of every trainable parameter with the gradients of the model's last forward-backward pass; a frozen
     * embedding is left as it is (no weight decay either).
     */
    public void step() {
        steps++;
        Tensor[] params = model.parameterGroups();
        Tensor[] grads = model.gradientGroups();
        Object config = config(lr);
        for (int g = 0; g < params.length; g++) {
            if (!model.trainable(g)) {
                // A frozen embedding: no update at all, weight decay included (its state stays as it started).
                continue;
            }
            if (config instanceof SgdConfig sgd) {
                backend.sgdStep(params[g], grads[g], state("momentum_buffer", g), sgd, steps);
            } else if (config instanceof AdamConfig adam) {
                backend.adamStep(params[g], grads[g], state("exp_avg", g), state("exp_avg_sq", g), adam, steps);
            } else if (config instanceof RmspropConfig rmsprop) {
                backend.rmspropStep(params[g], grads[g], state("square_avg", g), state("momentum_buffer", g),
                        state("grad_avg", g), rmsprop, steps);
            } else {
                backend.adagradStep(params[g], grads[g], state("sum", g), (AdagradConfig) config, steps);
            }
        }
    }

    /** Group g of a state tensor, or null when these settings keep no such state. */
    private Tensor state(String name, int g) {
        Tensor[] groups = state.get(name);
        return groups == null ? null : groups[g];
    }

    /** The state as float32 tensors named {@code <state>.<parameter>} in the parameters' PyTorch shapes. */
    public Map<String, HostTensor> exportState() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor[]> e : state.entrySet()) {
            for (String name : model.parameterNames()) {
                out.put(e.getKey() + "." + name, HostTensor.ofFloats(model.parameterShape(name),
                        FloatArrays.toFloat(model.read(name, e.getValue()))));
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
