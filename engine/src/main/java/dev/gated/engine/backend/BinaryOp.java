package dev.gated.engine.backend;

/** Element-wise out = a op b over tensors of the same shape. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, MAX, MIN
}
