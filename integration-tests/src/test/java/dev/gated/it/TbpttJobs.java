package dev.gated.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Character language-model jobs with {@code training.tbptt} on a piece of the bundled novel, for the tbptt tests. */
final class TbpttJobs {
    static final Path NOVEL = (Files.isDirectory(Path.of("../examples")) ? Path.of("../examples")
            : Path.of("examples")).resolve("text/pride-and-prejudice-ch1-18.txt");

    private TbpttJobs() {
    }

    /** The novel's first {@code chars} characters (ASCII) as {@code dir/text.txt}. */
    static Path text(Path dir, int chars) throws IOException {
        Path p = dir.resolve("text-" + chars + ".txt");
        if (!Files.exists(p)) {
            Files.writeString(p, Files.readString(NOVEL).substring(0, chars));
        }
        return p;
    }

    /**
     * A job file {@code name}.yaml with the given data, model and training lines (each indented by the caller); Adam
     * at 0.01 unless the training lines name an optimizer.
     */
    static Path job(Path dir, String name, Path text, String data, String model, String training)
            throws IOException {
        return Files.writeString(dir.resolve(name + ".yaml"), "data:\n  kind: text\n  path: " + text.toAbsolutePath()
                + "\n" + data + "model:\n" + model + "task:\n  kind: language_model\ntraining:\n" + training
                + "  seed: 3\n  device: cpu\n  clip_grad_norm: 1.0\n"
                + (training.contains("optimizer:") ? "" : "  optimizer: adam\n  learning_rate: 0.01\n")
                + "output:\n  dir: " + dir.resolve("runs").toAbsolutePath() + "\n  plots: false\n");
    }
}
