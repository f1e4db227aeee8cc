package dev.gated.engine.conformance;

import dev.gated.engine.backend.DType;

/**
 * Per-op tolerances of the conformance suite; they depend on the dtype under test. Every comparison states
 * which one it uses:
 *
 * <ul>
 *   <li>{@code elementwise}: per element |actual - expected| <= rtol * |expected| + atol (unary, binary,
 *       row-vector add, dropout scaling, scatter-add, mse/softmax gradients vs the written-out formula);</li>
 *   <li>{@code reduction} and {@code gemm}: per element |actual - expected| <= rtol * scale, where scale is
 *       the sum of the absolute values of the terms (sum |x|, or |alpha| |op(a)| |op(b)| + |beta c|), the
 *       standard bound on a summation's rounding error; {@code atol} guards against a zero scale;</li>
 *   <li>{@code optimizer}: per element, like elementwise, after several steps;</li>
 *   <li>{@code opGradient} and {@code rnnGradient}: {@link FiniteDifferences#relativeError} (max-norm relative
 *       error per tensor) against float64 central finite differences of the reference;</li>
 *   <li>{@code rnnForward}: max|actual - expected| / max(1, max|expected|) per tensor;</li>
 *   <li>{@code consistency}: the same metric as rnnForward, between two runs of the backend that must agree
 *       up to reassociation (inference vs training, batch vs one sequence, backward-weights accumulation).</li>
 * </ul>
 *
 * float64 is tight (the backend should be within a few ulps of plain loops, and its gradients within 1e-6
 * of finite differences, as the issue requires); float32 allows for float32 rounding over the sizes the suite
 * uses (the ground truth is still float64, evaluated on the same float32-representable inputs).
 *
 * <p>Measured on CpuBackend when these were set: float64 RNN forward 4e-16, gradients 2e-10 (the finite
 * differences' own error); float32 RNN forward 1.3e-7, gradients 4e-7. The float32 RNN gradient tolerance
 * (1e-4) keeps a margin of ~250x over that while still catching an error in one term of a sum.
 */
public record Tolerances(Tol elementwise, Tol reduction, Tol gemm, Tol optimizer, double opGradient,
                         double rnnForward, double rnnGradient, double consistency) {

    /** rtol and atol of one comparison. */
    public record Tol(double rtol, double atol) {
    }

    public static Tolerances forDType(DType dtype) {
        return dtype == DType.FLOAT64
                ? new Tolerances(new Tol(1e-14, 1e-300), new Tol(1e-13, 1e-300), new Tol(1e-13, 1e-300),
                new Tol(1e-13, 1e-15), 1e-6, 1e-10, 1e-6, 1e-12)
                : new Tolerances(new Tol(1e-6, 1e-7), new Tol(1e-5, 1e-30), new Tol(1e-5, 1e-30),
                new Tol(1e-5, 1e-6), 1e-4, 1e-5, 1e-4, 1e-5);
    }
}
