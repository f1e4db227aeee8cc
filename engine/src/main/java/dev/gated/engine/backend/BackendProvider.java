package dev.gated.engine.backend;

/**
 * Found with {@link java.util.ServiceLoader}: one per backend module. {@link #probe()} must be cheap and
 * must not throw: it says whether the backend can run here and, if not, exactly what is missing.
 */
public interface BackendProvider {
    enum Kind { CPU, GPU }

    /** Short name used in logs and on the command line, e.g. "cpu" or "cuda". */
    String name();

    Kind kind();

    /** Tried in descending order by {@code auto}. */
    int priority();

    Availability probe();

    Backend create();

    /**
     * A backend computing at {@code precision}. Backends with a single exact float32 path (the CPU) ignore it;
     * {@link Backends#select(DeviceMode, Precision)} says so in its reason.
     */
    default Backend create(Precision precision) {
        return create();
    }

    /** Whether {@link #create(Precision)} honours {@code precision} rather than computing exact FP32. */
    default boolean supports(Precision precision) {
        return precision == Precision.FP32;
    }

    /** Whether the backend can run here; {@code detail} says why not, or what was found. */
    record Availability(boolean usable, String detail) {
        public static Availability yes(String detail) {
            return new Availability(true, detail);
        }

        public static Availability no(String detail) {
            return new Availability(false, detail);
        }
    }
}
