package dev.gated.engine.tune;

/** TEMPORARY stub until the samplers branch is merged. */
public final class Samplers {
    private Samplers() {
    }

    public static Sampler create(StudyConfig.SamplerConfig cfg, SearchSpace space, Direction direction, long seed) {
        return (n, h) -> {
            java.util.SplittableRandom r = new java.util.SplittableRandom(seed * 1_000_003L + n);
            return space.assign((i, p) -> p.fromUnit(r.nextDouble()));
        };
    }
}
