package dev.gated.engine.backend;

import java.util.Locale;

/** How a backend is chosen: {@code auto} prefers a usable GPU, {@code cpu} and {@code gpu} insist. */
public enum DeviceMode {
    AUTO, CPU, GPU;

    public static DeviceMode parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("device: expected one of auto, cpu, gpu, got '" + s + "'");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
