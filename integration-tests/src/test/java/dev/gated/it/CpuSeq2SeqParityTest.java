package dev.gated.it;

import dev.gated.cpu.CpuBackend;
import dev.gated.engine.backend.DType;

/** The encoder–decoder on the CPU backend in float32 against the same backend in float64. */
class CpuSeq2SeqParityTest extends Seq2SeqParity {
    @Override
    protected ParitySide reference() {
        return new ParitySide("cpu float64", () -> new CpuBackend(2), DType.FLOAT64);
    }

    @Override
    protected ParitySide candidate() {
        return new ParitySide("cpu float32", () -> new CpuBackend(2), DType.FLOAT32);
    }
}
