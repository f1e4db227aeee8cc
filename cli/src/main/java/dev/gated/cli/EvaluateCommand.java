package dev.gated.cli;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.Backends;
import dev.gated.engine.model.SequenceModel;
import dev.gated.engine.train.JobData;
import dev.gated.engine.forecast.ErrorMetrics;
import dev.gated.engine.forecast.ForecastReport;
import dev.gated.engine.train.TrainedRun;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gated evaluate RUN}: a trained model's loss and metrics on a split of its data. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, versionProvider = Gated.Version.class,
        description = {"Compute a trained model's loss and task metrics on the train, validation or test split of "
                + "its data (the same split and preprocessing as in training).", ""})
final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RunOptions runOptions;

    @Option(names = "--split", paramLabel = "train|validation|test", defaultValue = "test",
            description = "The split to evaluate (default: ${DEFAULT-VALUE}).")
    String split;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        TrainedRun run = runOptions.open();
        JobData data = run.data();
        TrainedRun.Weights weights = run.weights(runOptions.checkpoint);
        Backends.Selection selection = runOptions.backend(run);
        try (Backend backend = selection.backend(); SequenceModel model = run.model(backend, weights)) {
            TrainedRun.Evaluation e = run.evaluation(model, data, split);
            out.printf(Locale.ROOT, "run %s, weights %s, %s split, backend %s%n", run.runDir(), weights.file(), split,
                    backend.name());
            if (e.report().isPresent()) {
                ForecastReport r = e.report().get();
                out.println("the model and the naive baselines:");
                r.table().forEach(l -> out.println("  " + l));
                out.println("the model per horizon step:");
                out.printf(Locale.ROOT, "  %-5s %11s %11s %8s %8s%n", "step", "MAE", "RMSE", "MASE", "sMAPE%");
                for (int h = 0; h < r.model().scores().perStep().size(); h++) {
                    ErrorMetrics m = r.model().scores().perStep().get(h);
                    out.printf(Locale.ROOT, "  %-5d %11.4g %11.4g %8.3f %8.2f%n", h + 1, m.mae(), m.rmse(), m.mase(),
                            m.smape());
                }
                out.println(r.beatsBaselines() ? "the model beats every baseline (RMSE and MASE)"
                        : "the model loses to " + String.join("; ", r.losingTo()));
            }
            e.metrics().forEach((k, v) -> out.printf(Locale.ROOT, "  %-32s %.6g%n", k, v));
        }
        return Gated.OK;
    }
}
