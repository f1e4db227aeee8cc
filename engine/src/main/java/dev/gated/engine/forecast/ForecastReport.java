package dev.gated.engine.forecast;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gated.engine.data.timeseries.Panel;
import dev.gated.engine.data.timeseries.Series;
import dev.gated.engine.io.CsvCells;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The model and every naive baseline forecast the same origins and are scored the same way: the table a user
 * reads to know whether the model is worth keeping, with the skill against the best baseline, the verdict, and what
 * to try when the model loses.
 *
 * <p>Skill: {@code 1 - model / best baseline} for RMSE and for MASE (MAE where MASE is undefined), so above 0 is
 * better than every baseline. The model <em>beats the baselines</em> when both skills are above 0.
 *
 * @param split      {@code test}, {@code validation}, or a backtest fold's name
 * @param model      the model's forecasts and scores
 * @param baselines  each baseline's, in {@link Baselines} order
 */
public record ForecastReport(String split, Entry model, List<Entry> baselines) {
    /** One forecaster's forecasts and scores. */
    public record Entry(Forecasts forecasts, Scores scores) {
        public String name() {
            return scores.forecaster();
        }
    }

    public ForecastReport {
        baselines = List.copyOf(baselines);
    }

    /** Forecasts and scores of the model and of the data's baselines on {@code origins}. */
    public static ForecastReport of(String split, ForecastData data, Forecaster model, List<Origin> origins) {
        return of(split, data, model.forecast(origins, data.layout().horizon()));
    }

    /** As {@link #of(String, ForecastData, Forecaster, List)} with the model's forecasts already made. */
    public static ForecastReport of(String split, ForecastData data, Forecasts modelForecasts) {
        Panel panel = data.panel();
        Entry m = new Entry(modelForecasts, Scores.of("model", panel, modelForecasts, data.statistics()));
        List<Entry> b = new ArrayList<>();
        int horizon = data.layout().horizon();
        for (Forecaster f : data.baselines()) {
            Forecasts fc = f.forecast(modelForecasts.origins(), horizon);
            b.add(new Entry(fc, Scores.of(f.name(), panel, fc, data.statistics())));
        }
        return new ForecastReport(split, m, b);
    }

    /** The MASE, or the MAE when MASE is undefined (a constant training series). */
    private static double scaledError(ErrorMetrics e) {
        return Double.isNaN(e.mase()) ? e.mae() : e.mase();
    }

    private static String scaledName(ErrorMetrics e) {
        return Double.isNaN(e.mase()) ? "mae" : "mase";
    }

    /** The baseline with the lowest RMSE. */
    public Entry bestByRmse() {
        return baselines.stream().min((a, b) -> Double.compare(a.scores().overall().rmse(),
                b.scores().overall().rmse())).orElseThrow();
    }

    /** The baseline with the lowest MASE (MAE where undefined). */
    public Entry bestByMase() {
        return baselines.stream().min((a, b) -> Double.compare(scaledError(a.scores().overall()),
                scaledError(b.scores().overall()))).orElseThrow();
    }

    public double skillRmse() {
        return 1 - model.scores().overall().rmse() / bestByRmse().scores().overall().rmse();
    }

    public double skillMase() {
        return 1 - scaledError(model.scores().overall()) / scaledError(bestByMase().scores().overall());
    }

    /** Whether the model's RMSE and MASE are below every baseline's. */
    public boolean beatsBaselines() {
        return losingTo().isEmpty();
    }

    /** "seasonal_naive (RMSE 1.2 vs the model's 1.5)", one per baseline at least as good on RMSE or MASE. */
    public List<String> losingTo() {
        ErrorMetrics me = model.scores().overall();
        List<String> out = new ArrayList<>();
        for (Entry b : baselines) {
            ErrorMetrics be = b.scores().overall();
            List<String> why = new ArrayList<>();
            if (be.rmse() <= me.rmse()) {
                why.add(fmt("RMSE %s vs the model's %s", be.rmse(), me.rmse()));
            }
            if (scaledError(be) <= scaledError(me)) {
                why.add(fmt(scaledName(me).toUpperCase(Locale.ROOT) + " %s vs the model's %s", scaledError(be),
                        scaledError(me)));
            }
            if (!why.isEmpty()) {
                out.add(b.name() + " (" + String.join(", ", why) + ")");
            }
        }
        return out;
    }

    /**
     * What to try when the model loses, from the run's settings: each item a job key and value with why.
     *
     * @param season the data's season (1: none)
     */
    public List<String> advice(ForecastLayout l, int season, int epochs) {
        List<String> out = new ArrayList<>();
        if (beatsBaselines()) {
            return out;
        }
        boolean seasonal = season > 1 && losingTo().stream().anyMatch(s -> s.startsWith("seasonal_naive"));
        if (l.scaling() != Scaling.WINDOW) {
            out.add("forecast.scaling: window (each window is scaled by its own mean and spread, so the forecast "
                    + "follows a trend out of the training range)");
        }
        if (l.difference() == 0) {
            out.add("forecast.difference: 1 (forecast the step-to-step changes: a trend then keeps them in the range "
                    + "seen in training)");
        }
        if (seasonal && l.window() < 2 * season) {
            out.add("data.window: " + 2 * season + " (two seasons of history, so the model sees the cycle)");
        }
        if (seasonal && l.difference() != season) {
            out.add("forecast.difference: " + season + " (forecast the change from one season ago)");
        }
        if (l.difference() == 1 && !seasonal) {
            out.add("forecast.difference: 0 with forecast.target: change (for a series without a trend, where "
                    + "differencing only adds noise)");
        }
        out.add("training.epochs: " + 2 * epochs + " (and training.early_stopping: {patience: 10})");
        out.add("model.hidden: 32 with model.dropout.output: 0.1 if the validation loss rises while the training "
                + "loss falls");
        return out;
    }

    /**
     * The figures as flat metrics: {@code <prefix><metric>} for the model, {@code <prefix><baseline>_<metric>} for
     * each baseline, {@code <prefix>skill_rmse}, {@code <prefix>skill_mase} and {@code <prefix>beats_baselines}
     * (1 or 0).
     */
    public Map<String, Double> metrics(String prefix) {
        Map<String, Double> m = new LinkedHashMap<>(model.scores().overall().toMap(prefix));
        for (Entry b : baselines) {
            m.putAll(b.scores().overall().toMap(prefix + b.name() + "_"));
        }
        m.put(prefix + "skill_rmse", skillRmse());
        m.put(prefix + "skill_mase", skillMase());
        m.put(prefix + "beats_baselines", beatsBaselines() ? 1.0 : 0.0);
        return m;
    }

    /** The whole report as JSON (forecast.json): per forecaster overall, per step and per series metrics. */
    public ObjectNode toJson(ForecastLayout l, int season, int epochs) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("split", split);
        o.put("horizon", l.horizon());
        o.put("season", season);
        o.put("origins", model.forecasts().origins().size());
        ObjectNode fs = o.putObject("forecasters");
        for (Entry e : all()) {
            ObjectNode n = fs.putObject(e.name());
            put(n.putObject("overall"), e.scores().overall());
            ArrayNode steps = n.putArray("per_step");
            for (ErrorMetrics s : e.scores().perStep()) {
                put(steps.addObject(), s);
            }
            if (e.scores().perSeries().size() > 1) {
                ObjectNode ps = n.putObject("per_series");
                e.scores().perSeries().forEach((id, s) -> put(ps.putObject(id), s));
            }
        }
        o.put("best_baseline_rmse", bestByRmse().name());
        o.put("best_baseline_mase", bestByMase().name());
        number(o, "skill_rmse", skillRmse());
        number(o, "skill_mase", skillMase());
        o.put("beats_baselines", beatsBaselines());
        losingTo().forEach(o.putArray("losing_to")::add);
        advice(l, season, epochs).forEach(o.putArray("try")::add);
        return o;
    }

    /** The model, then the baselines. */
    public List<Entry> all() {
        List<Entry> out = new ArrayList<>(List.of(model));
        out.addAll(baselines);
        return out;
    }

    private static void put(ObjectNode n, ErrorMetrics e) {
        n.put("count", e.count());
        e.toMap("").forEach((k, v) -> number(n, k, v));
    }

    private static void number(ObjectNode n, String k, double v) {
        if (Double.isFinite(v)) {
            n.put(k, v);
        } else {
            n.putNull(k);
        }
    }

    /** The console's table: one row per forecaster with MAE, RMSE, MASE, sMAPE (and coverage, wQL). */
    public List<String> table() {
        boolean prob = model.forecasts().probabilistic();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-16s %11s %11s %8s %8s%s", "forecaster", "MAE", "RMSE", "MASE",
                "sMAPE%", prob ? String.format(Locale.ROOT, " %8s %8s", "coverage", "wQL") : ""));
        for (Entry e : all()) {
            ErrorMetrics m = e.scores().overall();
            lines.add(String.format(Locale.ROOT, "%-16s %11.4g %11.4g %8.3f %8.2f%s", e.name(), m.mae(), m.rmse(),
                    m.mase(), m.smape(), prob && e == model ? String.format(Locale.ROOT, " %8.3f %8.4f",
                            m.coverage(), m.wql()) : ""));
        }
        return lines;
    }

    /**
     * The forecasts as CSV rows, one per origin and step: {@code [series,]origin,step,date}, then per target
     * {@code actual_<t>}, {@code predicted_<t>}, the quantiles {@code <t>_q<level>}, and each baseline's
     * {@code <baseline>_<t>}.
     */
    public String csv(Panel panel, String dateName) {
        List<String> targets = panel.columns().targets();
        StringBuilder sb = new StringBuilder();
        if (panel.named()) {
            sb.append("series,");
        }
        sb.append(dateName.isEmpty() ? "origin_row" : "origin_" + dateName).append(",step,")
                .append(dateName.isEmpty() ? "row" : dateName);
        Forecasts mf = model.forecasts();
        for (String t : targets) {
            sb.append(",actual_").append(t).append(",predicted_").append(t);
            for (double q : mf.levels()) {
                sb.append(',').append(t).append("_q").append(level(q));
            }
            for (Entry b : baselines) {
                sb.append(',').append(b.name()).append('_').append(t);
            }
        }
        sb.append('\n');
        for (int i = 0; i < mf.origins().size(); i++) {
            Origin o = mf.origins().get(i);
            Series s = panel.get(o.series());
            for (int h = 0; h < mf.horizon(); h++) {
                int row = o.row() + h + 1;
                if (panel.named()) {
                    sb.append(CsvCells.cell(s.id())).append(',');
                }
                sb.append(CsvCells.cell(s.label(o.row()))).append(',').append(h + 1).append(',')
                        .append(CsvCells.cell(s.label(row)));
                for (int j = 0; j < targets.size(); j++) {
                    sb.append(',').append(row < s.observed() ? CsvCells.numberOrEmpty(s.value(j, row)) : "")
                            .append(',').append(CsvCells.numberOrEmpty(mf.point()[i][h][j]));
                    if (mf.probabilistic()) {
                        for (double v : mf.quantiles()[i][h][j]) {
                            sb.append(',').append(CsvCells.numberOrEmpty(v));
                        }
                    }
                    for (Entry b : baselines) {
                        sb.append(',').append(CsvCells.numberOrEmpty(b.forecasts().point()[i][h][j]));
                    }
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** A quantile level as written in column names: 0.1 -> "0.1", 0.05 -> "0.05". */
    public static String level(double q) {
        String s = Double.toString(q);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }

    private static String fmt(String f, Object... args) {
        Object[] a = args.clone();
        for (int i = 0; i < a.length; i++) {
            if (a[i] instanceof Double d) {
                a[i] = String.format(Locale.ROOT, "%.4g", d);
            }
        }
        return String.format(Locale.ROOT, f.replace("%s", "%s"), a);
    }
}
