package dev.gated.cli.report.html;

import dev.gated.cli.report.Plots;
import dev.gated.engine.data.timeseries.CsvParser;
import dev.gated.engine.data.timeseries.NanPolicy;
import dev.gated.engine.train.RunFolder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A regression run's page: predicted against actual for the test split (predictions.csv) and the test metrics. */
final class RegressionPage {
    /** At most this many test examples in the chart (the first ones, in file order). */
    static final int MAX_POINTS = 400;

    private RegressionPage() {
    }

    static List<Section> sections(RunFiles run) {
        String title = "Regression: predicted against actual";
        if (!run.has(RunFolder.PREDICTIONS)) {
            return List.of(new Section("regression", title, RunFiles.noPredictions()));
        }
        CsvParser.Table t = run.table(RunFolder.PREDICTIONS).orElseThrow();
        String column = t.header().stream().filter(c -> c.startsWith("actual_")).findFirst()
                .map(c -> c.substring(7)).orElseThrow(() -> new IllegalArgumentException(t.source()
                        + ": expected actual_<column> and predicted_<column> columns, found " + t.header()));
        int a = t.column("actual_" + column);
        int p = t.column("predicted_" + column);
        int n = Math.min(MAX_POINTS, t.rows().size());
        double[] actual = new double[n];
        double[] predicted = new double[n];
        for (int i = 0; i < n; i++) {
            actual[i] = t.number(t.rows().get(i), a, NanPolicy.DROP);
            predicted[i] = t.number(t.rows().get(i), p, NanPolicy.DROP);
        }
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, Double> e : run.summary().entrySet()) {
            if (e.getKey().startsWith("test_")) {
                rows.add(List.of(e.getKey(), Html.num(e.getValue())));
            }
        }
        String html = Html.p("The first " + n + " of " + t.rows().size() + " test examples from "
                + RunFolder.PREDICTIONS + ", " + column + ".")
                + Html.image(Plots.predictedVsActualImage("test split: " + column, null, actual, predicted, column),
                "predicted against actual, test split")
                + (rows.isEmpty() ? Html.missing("No test metrics in " + RunFolder.SUMMARY + ".")
                : Html.table(List.of("metric", "value"), rows));
        return List.of(new Section("regression", title, html));
    }
}
