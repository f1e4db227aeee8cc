package dev.gated.engine.config;

/**
 * {@code model.head}: the layer after the RNN; only {@code linear} (an {@code nn.Linear}) for now. In a job file
 * each constant is written in lower case.
 */
public enum HeadType {
    LINEAR
}
