package dev.gated.cli;

import dev.gated.engine.tune.StudyConfig;
import java.nio.file.Path;

/** TEMPORARY stub. */
final class KubernetesManifest {
    private KubernetesManifest() {
    }

    static void write(StudyConfig study, Path studyFile, int workers, String image, Path file) {
        throw new UnsupportedOperationException("not yet");
    }
}
