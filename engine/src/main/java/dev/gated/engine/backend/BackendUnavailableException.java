package dev.gated.engine.backend;

/** The requested backend cannot run on this machine; the message names what is missing. */
public class BackendUnavailableException extends RuntimeException {
    public BackendUnavailableException(String message) {
        super(message);
    }
}
