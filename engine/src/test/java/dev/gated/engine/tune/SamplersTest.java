package dev.gated.engine.tune;

import static dev.gated.engine.tune.TuneFixtures.choice;
import static dev.gated.engine.tune.TuneFixtures.space;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.gated.engine.tune.StudyConfig.SamplerConfig;
import dev.gated.engine.tune.StudyConfig.SamplerKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class SamplersTest {
    @Test
    void eachKindItsSampler() {
        SearchSpace s = space(choice("cell", "lstm", "gru"));
        assertInstanceOf(GridSampler.class, Samplers.create(cfg(SamplerKind.GRID), s, Direction.MINIMIZE, 1));
        assertInstanceOf(RandomSampler.class, Samplers.create(cfg(SamplerKind.RANDOM), s, Direction.MINIMIZE, 1));
        assertInstanceOf(SobolSampler.class, Samplers.create(cfg(SamplerKind.SOBOL), s, Direction.MINIMIZE, 1));
        assertInstanceOf(TpeSampler.class, Samplers.create(cfg(SamplerKind.TPE), s, Direction.MINIMIZE, 1));
        assertEquals(2, Samplers.create(cfg(SamplerKind.GRID), s, Direction.MINIMIZE, 1).capacity());
        assertEquals(new RandomSampler(s, 9).sample(0, List.of()),
                Samplers.create(cfg(SamplerKind.TPE), s, Direction.MINIMIZE, 9).sample(0, List.of()));
    }

    private static SamplerConfig cfg(SamplerKind kind) {
        return new SamplerConfig(kind, SamplerConfig.DEFAULT_STARTUP_TRIALS, SamplerConfig.DEFAULT_CANDIDATES);
    }
}
