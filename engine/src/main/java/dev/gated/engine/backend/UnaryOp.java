package dev.gated.engine.backend;

/** Element-wise functions y = f(x); the backward pass computes dx = dy * f'(x). */
public enum UnaryOp {
    IDENTITY, NEG, ABS, SQUARE, SQRT, EXP, LOG, TANH, SIGMOID, RELU
}
