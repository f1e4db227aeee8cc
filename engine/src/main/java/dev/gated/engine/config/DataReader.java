package dev.gated.engine.config;

import dev.gated.engine.data.timeseries.CalendarFeature;
import dev.gated.engine.data.timeseries.NanPolicy;
import dev.gated.engine.util.Suggestions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the {@code data} section into a {@link DataConfig}. */
final class DataReader {
    private final ReadContext ctx;

    DataReader(ReadContext ctx) {
        this.ctx = ctx;
    }

    /** The section's settings; null after a problem (or when the section is missing, already reported). */
    DataConfig read(SectionReader s) {
        if (!s.present()) {
            return null;
        }
        DataKind kind = s.enumValue("kind", DataKind.class, null);
        Path path = s.path("path", true).orElse(null);
        boolean csv = kind == DataKind.CSV;
        boolean sequences = kind == DataKind.SEQUENCES;
        boolean columns = kind == null || csv || sequences;
        boolean forCsv = kind == null || csv;
        // A forecast reads its targets when no inputs are named (univariate forecasting).
        List<String> inputs = s.stringList("input_columns", sequences, columns, "csv or sequences");
        List<String> targets = s.stringList("target_columns", csv, forCsv, "csv");
        if (csv && s.field("input_columns") == null) {
            inputs = targets;
        }
        Optional<String> date = s.onlyFor("date_column", forCsv, "csv")
                ? s.optionalString("date_column") : Optional.empty();
        Optional<String> id = s.onlyFor("id_column", forCsv, "csv") ? s.optionalString("id_column") : Optional.empty();
        List<String> known = s.field("known_columns") == null ? List.of()
                : s.stringList("known_columns", false, forCsv, "csv");
        List<CalendarFeature> calendar = calendar(s, forCsv);
        String sequenceColumn = s.onlyFor("sequence_column", kind == null || sequences, "sequences")
                ? s.optionalString("sequence_column").orElse(DataConfig.DEFAULT_SEQUENCE_COLUMN)
                : DataConfig.DEFAULT_SEQUENCE_COLUMN;
        boolean labeled = kind == null || sequences || kind == DataKind.WORDS;
        String labelColumn = s.onlyFor("label_column", labeled, "sequences or words")
                ? s.optionalString("label_column").orElse(DataConfig.DEFAULT_LABEL_COLUMN)
                : DataConfig.DEFAULT_LABEL_COLUMN;
        boolean windows = kind == null || csv || kind == DataKind.TEXT;
        int window = s.onlyFor("window", windows, "csv or text")
                ? s.intValue("window", csv ? DataConfig.DEFAULT_FORECAST_WINDOW : DataConfig.DEFAULT_WINDOW, 1)
                : DataConfig.DEFAULT_WINDOW;
        int horizon = s.onlyFor("horizon", forCsv, "csv")
                ? s.intValue("horizon", DataConfig.DEFAULT_HORIZON, 1) : DataConfig.DEFAULT_HORIZON;
        // Text windows do not overlap unless asked to: with stride 1 an epoch would read every character window+1 times.
        int defaultStride = kind == DataKind.TEXT ? window : DataConfig.DEFAULT_STRIDE;
        int stride = s.onlyFor("stride", windows, "csv or text") ? s.intValue("stride", defaultStride, 1) : defaultStride;
        boolean parallel = kind == DataKind.PARALLEL;
        Split split = parallel && s.field("split") == null ? ParallelConfig.DEFAULT_SPLIT : s.split("split");
        Optional<Integer> maxLength = s.onlyFor("max_length", labeled || parallel, "sequences, words or parallel")
                ? s.optionalLong("max_length", 1, Integer.MAX_VALUE).map(Long::intValue) : Optional.empty();
        NanPolicy nan = s.onlyFor("nan_policy", columns, "csv or sequences")
                ? s.enumValue("nan_policy", NanPolicy.class, DataConfig.DEFAULT_NAN_POLICY) : DataConfig.DEFAULT_NAN_POLICY;
        boolean standardize = s.onlyFor("standardize", kind != DataKind.TEXT && kind != DataKind.WORDS && !parallel,
                "csv, sequences or npy")
                ? s.bool("standardize", DataConfig.DEFAULT_STANDARDIZE) : DataConfig.DEFAULT_STANDARDIZE;
        if (csv) {
            checkColumnRoles(s, targets, inputs, known, id, date);
            if (calendar != null && !calendar.isEmpty() && date.isEmpty()) {
                ctx.add(new Problem(s.field("calendar").keyAt(), "data.calendar", "calendar features are computed "
                        + "from the dates: set data.date_column too"));
            }
            // A forecast's scaling is forecast.scaling (JobReader reads data.standardize as its older spelling).
            standardize = DataConfig.DEFAULT_STANDARDIZE;
        }
        Optional<WordsConfig> words = new WordsReader(ctx).read(s, kind);
        Optional<ParallelConfig> pairs = new ParallelReader(ctx).read(s, kind);
        if (kind == DataKind.WORDS || parallel) {
            standardize = false;
        }
        if (kind == null || path == null || split == null || nan == null || calendar == null || words == null
                || pairs == null) {
            return null;
        }
        return new DataConfig(kind, path, inputs, targets, date, sequenceColumn, labelColumn, window, horizon, stride,
                split, maxLength, nan, standardize, id, known, calendar, words, pairs);
    }

    /** {@code calendar: [month, day_of_week]} ({@code []}: none, so that {@code --set} can turn them off). */
    private List<CalendarFeature> calendar(SectionReader s, boolean applies) {
        Node.Field f = s.field("calendar");
        if (f == null || !s.onlyFor("calendar", applies, "csv")) {
            return List.of();
        }
        String expected = "a list of calendar features (" + String.join(", ", CalendarFeature.keys()) + ")";
        if (!(f.value() instanceof Node.ListNode list)) {
            ctx.add(new Problem(f.value().at(), "data.calendar", "expected " + expected + ", found "
                    + f.value().describe()));
            return null;
        }
        List<CalendarFeature> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < list.items().size(); i++) {
            Node item = list.items().get(i);
            String text = item instanceof Node.ScalarNode sc && sc.value() instanceof String t ? t : null;
            Optional<CalendarFeature> c = text == null ? Optional.empty() : CalendarFeature.byKey(text);
            if (c.isEmpty()) {
                ctx.add(new Problem(item.at(), "data.calendar[" + i + "]", "expected one of "
                        + String.join(", ", CalendarFeature.keys()) + ", found " + item.describe()
                        + (text == null ? "" : Suggestions.closest(text, CalendarFeature.keys())
                        .map(m -> "; did you mean '" + m + "'?").orElse(""))));
                ok = false;
            } else if (out.contains(c.get())) {
                ctx.add(new Problem(item.at(), "data.calendar[" + i + "]", "calendar feature '" + text
                        + "' is listed twice"));
                ok = false;
            } else {
                out.add(c.get());
            }
        }
        return ok ? out : null;
    }

    /** A column plays one role: a known column is neither a target nor an observed input, the id and date none. */
    private void checkColumnRoles(SectionReader s, List<String> targets, List<String> inputs, List<String> known,
                                  Optional<String> id, Optional<String> date) {
        for (String k : known) {
            if (targets.contains(k) || inputs.contains(k)) {
                ctx.add(new Problem(s.field("known_columns").value().at(), "data.known_columns", "column '" + k
                        + "' is listed as known in advance and also in " + (targets.contains(k) ? "target_columns"
                        : "input_columns") + "; a column known in advance is given for the forecast steps too, an "
                        + "input or target only up to the forecast origin: list it once"));
            }
        }
        for (Optional<String> special : List.of(id, date)) {
            if (special.isEmpty()) {
                continue;
            }
            String c = special.get();
            String key = special == id ? "id_column" : "date_column";
            if (targets.contains(c) || inputs.contains(c) || known.contains(c)) {
                ctx.add(new Problem(s.field(key).value().at(), "data." + key, "column '" + c + "' is the "
                        + (special == id ? "series id" : "date") + " column and also a numeric column of the model; "
                        + "expected another column"));
            }
        }
        if (id.isPresent() && id.equals(date)) {
            ctx.add(new Problem(s.field("id_column").value().at(), "data.id_column", "the id column and the date "
                    + "column are both '" + id.get() + "'; expected two different columns"));
        }
    }
}
