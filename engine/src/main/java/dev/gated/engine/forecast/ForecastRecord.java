package dev.gated.engine.forecast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gated.engine.data.timeseries.CalendarFeature;
import dev.gated.engine.data.timeseries.PanelColumns;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The forecasting part of a run's preprocessing record ({@code preprocessing.json}, and the metadata of
 * {@code model.safetensors} and of exported models): the {@link ForecastLayout} and everything fitted on the
 * training rows, so that evaluation, prediction, backtests and exported models encode and decode exactly as
 * training did.
 *
 * @param layout        the windows' shape and transforms
 * @param season        the seasonal period used by the seasonal-naive baseline and MASE (1: none)
 * @param frequency     the dates' frequency as described ({@code monthly}, ...), or empty
 * @param movingAverage the moving-average baseline's length
 * @param series        per training series, in panel order
 */
public record ForecastRecord(ForecastLayout layout, int season, Optional<String> frequency, int movingAverage,
                             List<SeriesStatistics> series) {
    public ForecastRecord {
        series = List.copyOf(series);
    }

    /** The statistics fitted for series {@code id}, if it was a training series. */
    public Optional<SeriesStatistics> statistics(String id) {
        return series.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        ForecastLayout l = layout;
        o.put("window", l.window());
        o.put("horizon", l.horizon());
        o.put("strategy", l.strategy().key());
        o.put("difference", l.difference());
        o.put("scaling", l.scaling().key());
        o.put("target", l.target().key());
        strings(o.putArray("targets"), l.columns().targets());
        strings(o.putArray("observed"), l.columns().observed());
        strings(o.putArray("known"), l.columns().known());
        strings(o.putArray("calendar"), l.calendar().stream().map(CalendarFeature::key).toList());
        ArrayNode q = o.putArray("quantiles");
        for (double v : l.quantiles()) {
            q.add(v);
        }
        o.put("season", season);
        o.put("frequency", frequency.orElse(null));
        o.put("moving_average", movingAverage);
        ArrayNode ss = o.putArray("series");
        for (SeriesStatistics s : series) {
            ObjectNode n = ss.addObject();
            n.put("id", s.id());
            doubles(n.putArray("mean"), s.mean());
            doubles(n.putArray("std"), s.std());
            doubles(n.putArray("mase_scale"), s.maseScale());
        }
        return o;
    }

    /** @throws IllegalArgumentException with what is missing or wrong */
    public static ForecastRecord fromJson(JsonNode o) {
        try {
            PanelColumns cols = new PanelColumns(strings(o.get("targets")), strings(o.get("observed")),
                    strings(o.get("known")));
            List<CalendarFeature> calendar = new ArrayList<>();
            for (String k : strings(o.get("calendar"))) {
                calendar.add(CalendarFeature.byKey(k).orElseThrow(() -> new IllegalArgumentException(
                        "unknown calendar feature '" + k + "'")));
            }
            ForecastLayout l = new ForecastLayout(o.get("window").asInt(), o.get("horizon").asInt(),
                    Strategy.valueOf(upper(o, "strategy")), o.get("difference").asInt(),
                    Scaling.valueOf(upper(o, "scaling")), TargetMode.valueOf(upper(o, "target")), cols, calendar,
                    doubles(o.get("quantiles")));
            List<SeriesStatistics> series = new ArrayList<>();
            for (JsonNode n : o.get("series")) {
                series.add(new SeriesStatistics(n.get("id").asText(), doubles(n.get("mean")), doubles(n.get("std")),
                        doubles(n.get("mase_scale"))));
            }
            JsonNode freq = o.get("frequency");
            return new ForecastRecord(l, o.get("season").asInt(), freq == null || freq.isNull() ? Optional.empty()
                    : Optional.of(freq.asText()), o.get("moving_average").asInt(), series);
        } catch (NullPointerException | IllegalArgumentException e) {
            throw new IllegalArgumentException("forecast record: expected the keys Gated writes (window, horizon, "
                    + "strategy, difference, scaling, target, targets, observed, known, calendar, quantiles, season, "
                    + "moving_average, series), found " + o + (e.getMessage() == null ? "" : " (" + e.getMessage()
                    + ")"), e);
        }
    }

    private static String upper(JsonNode o, String key) {
        return o.get(key).asText().toUpperCase(Locale.ROOT);
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }

    private static void doubles(ArrayNode a, double[] values) {
        for (double v : values) {
            // NaN (no MASE scale) is not JSON: written as null.
            if (Double.isFinite(v)) {
                a.add(v);
            } else {
                a.addNull();
            }
        }
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static double[] doubles(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).isNull() ? Double.NaN : a.get(i).asDouble();
        }
        return out;
    }
}
