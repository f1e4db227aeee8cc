package dev.gated.cuda;

import dev.gated.engine.backend.BinaryOp;
import dev.gated.engine.backend.UnaryOp;

/**
 * The op codes the kernels understand (the enums at the top of src/main/cuda/kernels.cu). Explicit numbers, never
 * {@code ordinal()}, so reordering an enum cannot silently change a kernel; the switches have no default, so a new
 * {@link UnaryOp} or {@link BinaryOp} value does not compile until it has a code (and a kernel). KernelOpsTest checks
 * these numbers against the .cu file.
 */
final class KernelOps {
    private KernelOps() {
    }

    static int code(UnaryOp op) {
        return switch (op) {
            case IDENTITY -> 0;
            case NEG -> 1;
            case ABS -> 2;
            case SQUARE -> 3;
            case SQRT -> 4;
            case EXP -> 5;
            case LOG -> 6;
            case TANH -> 7;
            case SIGMOID -> 8;
            case RELU -> 9;
            case SIGN -> 10;
        };
    }

    static int code(BinaryOp op) {
        return switch (op) {
            case ADD -> 0;
            case SUB -> 1;
            case MUL -> 2;
            case DIV -> 3;
            case MAX -> 4;
            case MIN -> 5;
        };
    }

    /** The reductions of gated_reduce_partials_*. */
    enum Reduce {
        SUM(0), SUM_OF_SQUARES(1), NON_FINITE_COUNT(2), MSE(3);

        final int code;

        Reduce(int code) {
            this.code = code;
        }
    }
}
