package dev.gated.engine.tune;

/** The sampler a study file asks for; the one place that maps {@link StudyConfig.SamplerKind} to a class. */
public final class Samplers {
    private Samplers() {
    }

    public static Sampler create(StudyConfig.SamplerConfig cfg, SearchSpace space, Direction direction, long seed) {
        return switch (cfg.kind()) {
            case GRID -> new GridSampler(space);
            case RANDOM -> new RandomSampler(space, seed);
            case SOBOL -> new SobolSampler(space, seed);
            case TPE -> new TpeSampler(space, direction, seed, cfg.startupTrials(), cfg.candidates());
        };
    }
}
