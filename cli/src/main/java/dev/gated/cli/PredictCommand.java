package dev.gated.cli;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.model.SequenceModel;
import dev.gated.engine.train.Predictor;
import dev.gated.engine.train.TrainedRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gated predict RUN --input … --output …}: predictions on new data, in original units. */
@Command(name = "predict", mixinStandardHelpOptions = true, versionProvider = Gated.Version.class,
        description = {"Run a trained model on new data and write its predictions as CSV or .npy (by the output's "
                + "extension), in the data's original units.",
                "Forecasting: a CSV laid out like the training file; the whole horizon from every row with a window "
                        + "of history (--last: from each series' last row), one line per origin and step, with the "
                        + "quantiles of a probabilistic model; rows at a series' end with empty targets give the "
                        + "future values of the columns known in advance. Classification: a sequences CSV (label column optional) or a folder with x.npy "
                        + "(and lengths.npy); the class and its probabilities. Regression: a folder with x.npy.", ""})
final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RunOptions runOptions;

    @Option(names = "--input", required = true, paramLabel = "FILE|DIR", description = "The new data.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "FILE.csv|FILE.npy", description = "Where to write.")
    Path output;

    @Option(names = "--overwrite", description = "Replace the output file if it exists.")
    boolean overwrite;

    @Option(names = "--last", description = "Forecasting: only the forecast from each series' last row (the "
            + "future), not from every row.")
    boolean last;

    @Override
    public Integer call() throws IOException {
        if (Files.exists(output) && !overwrite) {
            throw new IllegalStateException("--output " + output + " already exists; pass --overwrite to replace it");
        }
        TrainedRun run = runOptions.open();
        TrainedRun.Weights weights = run.weights(runOptions.checkpoint);
        try (Backend backend = runOptions.backend(run).backend(); SequenceModel model = run.model(backend, weights)) {
            Predictor.Written w = Predictor.predict(run, model, input, output, last);
            spec.commandLine().getOut().printf("wrote %d predictions to %s (weights %s)%n", w.rows(), w.file(),
                    weights.file());
        }
        return Gated.OK;
    }
}
