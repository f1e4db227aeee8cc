package dev.gated.engine.checkpoint;

/**
 * A checkpoint file that cannot be used: unreadable, not a Gated checkpoint, of an unsupported format version,
 * corrupt (checksum mismatch, truncated), with a missing or invalid metadata field, or not matching the model it
 * is loaded into. The message names the file (where there is one) and exactly what is wrong.
 */
public class CheckpointException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
