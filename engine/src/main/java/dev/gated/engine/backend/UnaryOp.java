package dev.gated.engine.backend;

/**
 * Element-wise functions y = f(x); the backward pass computes dx = dy * f'(x). {@code SIGN} is torch.sign
 * (-1, 0 or 1; sign(0) = 0, sign(NaN) = NaN; derivative 0), the subgradient of |x| that L1 penalties use.
 */
public enum UnaryOp {
    IDENTITY, NEG, ABS, SQUARE, SQRT, EXP, LOG, TANH, SIGMOID, RELU, SIGN
}
