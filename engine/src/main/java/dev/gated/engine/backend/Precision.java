package dev.gated.engine.backend;

import java.util.Locale;

/**
 * How a backend may round float32 matrix products. {@code FP32} (the default) is exact IEEE float32, so a GPU
 * run matches the CPU path; {@code TF32} lets a GPU use TF32 tensor cores (10-bit mantissa inputs, float32
 * accumulation) for speed. Backends without such hardware (the CPU) compute FP32 for both.
 */
public enum Precision {
    FP32, TF32;

    public static Precision parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("precision: expected one of fp32, tf32, got '" + s + "'");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
