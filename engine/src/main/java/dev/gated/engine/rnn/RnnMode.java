package dev.gated.engine.rnn;

/** cuDNN's forward modes: training keeps what backward needs in the workspace, inference does not. */
public enum RnnMode {
    TRAINING, INFERENCE
}
