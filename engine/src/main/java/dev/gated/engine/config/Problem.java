package dev.gated.engine.config;

/** One problem found in a job file: where, which field ({@code null} when no single field), and what. */
record Problem(Location at, String path, String message) {
    String format() {
        return at + ": " + (path == null ? "" : path + ": ") + message;
    }
}
