package dev.gated.cli;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.data.text.CharVocabulary;
import dev.gated.engine.model.SequenceModel;
import dev.gated.engine.model.TextGenerator;
import dev.gated.engine.train.TrainedRun;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gated generate RUN --prompt …}: text from a character-level language model. */
@Command(name = "generate", mixinStandardHelpOptions = true, versionProvider = Gated.Version.class,
        description = {"Sample text from a trained character-level language model (task language_model), "
                + "continuing a prompt.", ""})
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RunOptions runOptions;

    @Option(names = "--prompt", required = true, description = "The text to continue (characters seen in training).")
    String prompt;

    @Option(names = "--length", defaultValue = "300", description = "Characters to generate (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--temperature", defaultValue = "0.8",
            description = "Higher is more varied, 0 always picks the most likely character (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0",
            description = "Sample among the k most likely characters; 0 for all (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--seed", defaultValue = "1", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        TrainedRun run = runOptions.open();
        if (run.preprocessing().vocabulary().isEmpty()) {
            throw new IllegalArgumentException(run.runDir() + " is a " + run.config().task().kind().name()
                    .toLowerCase(java.util.Locale.ROOT) + " run, not a language model; use 'gated predict'");
        }
        CharVocabulary vocab = CharVocabulary.of(run.preprocessing().vocabulary());
        TrainedRun.Weights weights = run.weights(runOptions.checkpoint);
        try (Backend backend = runOptions.backend(run).backend(); SequenceModel model = run.model(backend, weights)) {
            spec.commandLine().getOut().println(TextGenerator.generate(model, vocab, prompt, length, temperature, topK,
                    seed));
        }
        return Gated.OK;
    }
}
