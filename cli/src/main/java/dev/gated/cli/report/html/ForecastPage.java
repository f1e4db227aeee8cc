package dev.gated.cli.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gated.cli.report.ForecastPlots;
import dev.gated.engine.data.timeseries.CsvParser;
import dev.gated.engine.data.timeseries.NanPolicy;
import dev.gated.engine.train.RunFolder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A forecasting run's page: whether the model beats the naive baselines (said plainly either way), the metrics of
 * the model and every baseline from forecast.json, and the forecast against the actual values of the test split
 * from predictions.csv, with the prediction interval of a quantile model and the baselines' forecasts.
 */
final class ForecastPage {
    /** The metrics of forecast.json shown, in this order, where the file has them. */
    private static final List<String> METRICS = List.of("mae", "rmse", "mase", "smape", "mape", "coverage", "wql");

    private ForecastPage() {
    }

    static List<Section> sections(RunFiles run) {
        return List.of(verdictAndMetrics(run), chart(run));
    }

    static Section verdictAndMetrics(RunFiles run) {
        if (!run.has(RunFolder.FORECAST)) {
            return new Section("forecast-metrics", "Forecast against baselines", Html.missing("No "
                    + RunFolder.FORECAST + " in the run folder: the run has no test split, or has not finished."));
        }
        JsonNode f = run.json(RunFolder.FORECAST).orElseThrow();
        StringBuilder html = new StringBuilder();
        String split = f.path("split").asText("test");
        String skill = String.format(Locale.ROOT, "skill against the best baseline: RMSE %s (best: %s), MASE %s "
                        + "(best: %s); above 0 beats it", Html.num(f.path("skill_rmse").asDouble(Double.NaN)),
                f.path("best_baseline_rmse").asText("n/a"), Html.num(f.path("skill_mase").asDouble(Double.NaN)),
                f.path("best_baseline_mase").asText("n/a"));
        if (f.path("beats_baselines").asBoolean(false)) {
            html.append("<p class=\"verdict good\">The model beats every naive baseline on the ").append(Html.text(split))
                    .append(" split (").append(Html.text(skill)).append(").</p>\n");
        } else {
            html.append("<p class=\"verdict bad\">The model does NOT beat the naive baselines on the ")
                    .append(Html.text(split)).append(" split: a forecaster that loses to \"tomorrow = today\" (or the "
                            + "season before) is not worth keeping yet (").append(Html.text(skill)).append(").</p>\n");
            List<String> losing = new ArrayList<>();
            f.path("losing_to").forEach(n -> losing.add(n.asText()));
            if (!losing.isEmpty()) {
                html.append(Html.p("It loses to:")).append(Html.list(losing));
            }
            List<String> tries = new ArrayList<>();
            f.path("try").forEach(n -> tries.add(n.asText()));
            if (!tries.isEmpty()) {
                html.append(Html.p("Settings to try:")).append(Html.list(tries));
            }
        }
        html.append(Html.p(String.format(Locale.ROOT, "%s split: %d forecast origins, horizon %d, season %d; the "
                        + "errors are over all origins and horizon steps (from %s).", split, f.path("origins").asInt(),
                f.path("horizon").asInt(), f.path("season").asInt(), RunFolder.FORECAST)));
        List<String> shown = new ArrayList<>();
        JsonNode forecasters = f.path("forecasters");
        for (String m : METRICS) {
            for (JsonNode fc : forecasters) {
                if (fc.path("overall").path(m).isNumber()) {
                    shown.add(m);
                    break;
                }
            }
        }
        List<String> header = new ArrayList<>(List.of("forecaster"));
        shown.forEach(m -> header.add(m.toUpperCase(Locale.ROOT)));
        List<List<String>> rows = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = forecasters.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            List<String> row = new ArrayList<>(List.of(e.getKey().equals("model") ? "model" : e.getKey()
                    + " (baseline)"));
            JsonNode o = e.getValue().path("overall");
            shown.forEach(m -> row.add(o.path(m).isNumber() ? Html.num(o.path(m).asDouble()) : "n/a"));
            rows.add(row);
        }
        html.append(Html.table(header, rows));
        return new Section("forecast-metrics", "Forecast against baselines", html.toString());
    }

    static Section chart(RunFiles run) {
        if (!run.has(RunFolder.PREDICTIONS)) {
            return new Section("forecast-chart", "Forecast against actual", Html.missing("No "
                    + RunFolder.PREDICTIONS + " in the run folder: nothing to draw."));
        }
        CsvParser.Table t = run.table(RunFolder.PREDICTIONS).orElseThrow();
        List<String> h = t.header();
        String target = h.stream().filter(c -> c.startsWith("actual_")).findFirst().map(c -> c.substring(7))
                .orElseThrow(() -> new IllegalArgumentException(t.source() + ": no actual_<target> column"));
        int stepCol = t.column("step");
        int labelCol = stepCol + 1;
        int seriesCol = h.indexOf("series");
        String firstSeries = seriesCol < 0 ? null : t.rows().get(0).fields().get(seriesCol);
        List<String> quantiles = h.stream().filter(c -> c.startsWith(target + "_q")).toList();
        List<String> baselines = new ArrayList<>();
        run.json(RunFolder.FORECAST).ifPresent(f -> f.path("forecasters").fieldNames().forEachRemaining(n -> {
            if (!n.equals("model") && h.contains(n + "_" + target)) {
                baselines.add(n);
            }
        }));
        // step -> the rows of the first series at that step, in file (time) order
        Map<Integer, List<CsvParser.Record>> bySteps = new TreeMap<>();
        for (CsvParser.Record r : t.rows()) {
            if (seriesCol >= 0 && !r.fields().get(seriesCol).equals(firstSeries)) {
                continue;
            }
            bySteps.computeIfAbsent(Integer.parseInt(r.fields().get(stepCol).trim()), k -> new ArrayList<>()).add(r);
        }
        List<Integer> steps = new ArrayList<>(bySteps.keySet());
        List<Integer> show = steps.size() == 1 ? steps : List.of(steps.get(0), steps.get(steps.size() - 1));
        StringBuilder html = new StringBuilder(Html.p("The " + target + " of the test split"
                + (firstSeries == null ? "" : " of series " + firstSeries) + " from " + RunFolder.PREDICTIONS
                + ": the actual values, the model's forecast" + (quantiles.isEmpty() ? ""
                : ", its prediction interval (" + quantiles.get(0) + " to " + quantiles.get(quantiles.size() - 1)
                + ")") + " and the naive baselines' forecasts (dashed)."));
        for (int step : show) {
            List<CsvParser.Record> rows = bySteps.get(step);
            int n = rows.size();
            List<String> labels = new ArrayList<>();
            double[] actual = column(t, rows, "actual_" + target);
            double[] predicted = column(t, rows, "predicted_" + target);
            rows.forEach(r -> labels.add(r.fields().get(labelCol)));
            double[] lower = quantiles.isEmpty() ? null : column(t, rows, quantiles.get(0));
            double[] upper = quantiles.isEmpty() ? null : column(t, rows, quantiles.get(quantiles.size() - 1));
            List<ForecastPlots.BaselineLine> lines = new ArrayList<>();
            for (String b : baselines) {
                lines.add(new ForecastPlots.BaselineLine(b, column(t, rows, b + "_" + target)));
            }
            String title = "test split: " + target + ", " + step + (step == 1 ? " step" : " steps") + " ahead ("
                    + n + " origins)";
            String band = quantiles.isEmpty() ? null : "interval " + quantiles.get(0).substring(target.length() + 1)
                    + "-" + quantiles.get(quantiles.size() - 1).substring(target.length() + 1);
            html.append(Html.image(ForecastPlots.withBaselines(title, target, new ForecastPlots.StepLine(step, labels,
                    actual, predicted, lower, upper), band, lines), title));
        }
        return new Section("forecast-chart", "Forecast against actual", html.toString());
    }

    private static double[] column(CsvParser.Table t, List<CsvParser.Record> rows, String name) {
        int c = t.column(name);
        double[] v = new double[rows.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = t.number(rows.get(i), c, NanPolicy.DROP);
        }
        return v;
    }
}
