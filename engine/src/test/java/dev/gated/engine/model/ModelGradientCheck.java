package dev.gated.engine.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * A {@link SequenceModel}'s analytic gradients against central finite differences of a loss, parameter by parameter.
 * Shared by the model tests here and in integration-tests (through the engine's test-jar).
 */
public final class ModelGradientCheck {
    private ModelGradientCheck() {
    }

    /** The gradients the model holds now, one array per parameter in {@link SequenceModel#parameterNames()} order. */
    public static double[][] gradients(SequenceModel m) {
        return m.parameterNames().stream().map(m::readGradient).toArray(double[][]::new);
    }

    /**
     * For every parameter: max |analytic - numeric| relative to max(1e-3, max |numeric|) is below 1e-6, numeric by
     * central differences (eps 1e-6) of {@code loss}. Every parameter is restored after its perturbations.
     */
    public static void assertGradients(SequenceModel m, double[][] analytic, ToDoubleFunction<SequenceModel> loss) {
        assertGradients(m, analytic, loss, 1e-6, 1e-6);
    }

    /** As {@link #assertGradients(SequenceModel, double[][], ToDoubleFunction)} with the given eps and bound. */
    public static void assertGradients(SequenceModel m, double[][] analytic, ToDoubleFunction<SequenceModel> loss,
                                       double eps, double tolerance) {
        int p = 0;
        for (String name : m.parameterNames()) {
            double[] theta = m.readParameter(name);
            double scale = 1e-3;
            double maxErr = 0;
            for (int i = 0; i < theta.length; i++) {
                double keep = theta[i];
                theta[i] = keep + eps;
                m.writeParameter(name, theta);
                double plus = loss.applyAsDouble(m);
                theta[i] = keep - eps;
                m.writeParameter(name, theta);
                double minus = loss.applyAsDouble(m);
                theta[i] = keep;
                m.writeParameter(name, theta);
                double numeric = (plus - minus) / (2 * eps);
                scale = Math.max(scale, Math.abs(numeric));
                maxErr = Math.max(maxErr, Math.abs(analytic[p][i] - numeric));
            }
            assertTrue(maxErr / scale < tolerance, name + ": max |analytic - numeric| = " + maxErr + " relative to "
                    + scale);
            p++;
        }
    }

    /**
     * Moves every LayerNorm gain and bias off its initial 1 or 0 by U(-0.5, 0.5), so a gradient check exercises
     * them in general and not only at the identity.
     */
    public static void perturbLayerNorms(SequenceModel m, SplittableRandom rnd) {
        for (String name : m.parameterNames()) {
            if (name.startsWith(SequenceModel.LAYER_NORM_PREFIX)) {
                double[] v = m.readParameter(name);
                for (int i = 0; i < v.length; i++) {
                    v[i] += rnd.nextDouble(-0.5, 0.5);
                }
                m.writeParameter(name, v);
            }
        }
    }
}
