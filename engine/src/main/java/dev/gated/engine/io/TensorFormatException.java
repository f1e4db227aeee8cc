package dev.gated.engine.io;

/**
 * A tensor file that is not what its format says it must be (a corrupt or unsupported safetensors or .npy
 * file), or tensors that cannot be written in that format. The message names the file and, where there is one,
 * the tensor.
 */
public class TensorFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public TensorFormatException(String message) {
        super(message);
    }
}
