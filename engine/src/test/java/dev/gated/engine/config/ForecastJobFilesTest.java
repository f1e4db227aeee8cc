package dev.gated.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.data.timeseries.CalendarFeature;
import dev.gated.engine.forecast.BacktestMode;
import dev.gated.engine.forecast.Scaling;
import dev.gated.engine.forecast.Strategy;
import dev.gated.engine.forecast.TargetMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The forecasting job-file keys: the forecast section, its backtest mapping, series ids and covariates. */
class ForecastJobFilesTest {
    @TempDir
    Path dir;

    static final String BASE = """
            data:
              kind: csv
              path: sales.csv
              target_columns: [sales]
            task:
              kind: forecast
            """;

    static final String FULL = """
            data:
              kind: csv
              path: sales.csv
              id_column: store
              date_column: day
              input_columns: [sales, visitors]
              target_columns: [sales]
              known_columns: [promo]
              calendar: [day_of_week, month]
              horizon: 7
            task:
              kind: forecast
            forecast:
              scaling: global
              difference: 7
              target: value
              season: 7
              quantiles: [0.9, 0.1]
              moving_average: 14
              backtest:
                folds: 5
                mode: sliding
                refit: false
                fold_size: 28
            """;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void everyForecastKeyIsReadAndWrittenBack() throws IOException {
        JobConfig c = JobFiles.load(write("job.yaml", FULL));
        DataConfig d = c.data();
        assertEquals(Optional.of("store"), d.idColumn());
        assertEquals(List.of("promo"), d.knownColumns());
        assertEquals(List.of(CalendarFeature.DAY_OF_WEEK, CalendarFeature.MONTH), d.calendar());
        ForecastConfig f = c.forecast();
        assertEquals(new ForecastConfig(Scaling.GLOBAL, 7, TargetMode.VALUE, Optional.of(7), Strategy.DIRECT,
                List.of(0.1, 0.5, 0.9), Optional.of(14), new BacktestConfig(5, BacktestMode.SLIDING, false,
                Optional.of(28))), f, "levels sorted, the median added");
        Path resolved = write("resolved.yaml", JobFiles.toYaml(c));
        assertEquals(c, JobFiles.load(resolved), "the resolved job reads back equal");
    }

    @Test
    void defaultsAndTheUnivariateShortcut() throws IOException {
        JobConfig c = JobFiles.load(write("job.yaml", BASE));
        assertEquals(List.of("sales"), c.data().inputColumns(), "no input_columns: the target is the input");
        assertEquals(ForecastConfig.DEFAULT, c.forecast());
        assertEquals(12, c.data().window(), "the forecast window measured in docs/FORECASTING.md");
        assertEquals(new ForecastConfig(Scaling.GLOBAL, 1, TargetMode.VALUE, Optional.empty(), Strategy.DIRECT,
                List.of(), Optional.empty(), BacktestConfig.DEFAULT), c.forecast(), "the measured defaults");
        assertEquals(c, JobFiles.load(write("resolved.yaml", JobFiles.toYaml(c))));
        // data.standardize is the older spelling of forecast.scaling.
        assertEquals(Scaling.GLOBAL, JobFiles.load(write("s.yaml", BASE.replace("  target_columns",
                "  standardize: true\n  target_columns"))).forecast().scaling());
        assertEquals(Scaling.NONE, JobFiles.load(write("n.yaml", BASE.replace("  target_columns",
                "  standardize: false\n  target_columns"))).forecast().scaling());
        JobConfig overridden = JobFiles.load(write("o.yaml", BASE), List.of("forecast.backtest.folds=4",
                "forecast.scaling=none", "forecast.season=auto"));
        assertEquals(4, overridden.forecast().backtest().folds());
        ForecastConfig q = JobFiles.load(write("q.yaml", BASE), List.of("forecast.quantiles=[0.1,0.9]")).forecast();
        assertEquals(0, q.difference(), "quantiles: the quantiles of y[t+k] - y[t], not of differences");
        assertEquals(TargetMode.CHANGE, q.target());
        assertEquals(Scaling.WINDOW, q.scaling(), "undifferenced: each window's own statistics");
        assertEquals(List.of(), JobFiles.load(write("c.yaml", FULL), List.of("data.calendar=[]")).data().calendar(),
                "an empty calendar list turns the features off");
        assertEquals(Scaling.NONE, overridden.forecast().scaling());
    }

    static Stream<Arguments> errors() {
        String f = BASE + "forecast:\n";
        return Stream.of(
                Arguments.of("misspelt scaling", f + "  scaling: windw\n",
                        List.of("job.yaml:8:12:", "forecast.scaling: expected one of global, window, none, found 'windw'; did you mean 'window'?")),
                Arguments.of("negative difference", f + "  difference: -1\n", List.of("forecast.difference: expected an integer >= 0")),
                Arguments.of("season word", f + "  season: yearly\n", List.of("forecast.season: expected auto", "'yearly'")),
                Arguments.of("season 0", f + "  season: 0\n", List.of("forecast.season: expected auto")),
                Arguments.of("quantile 1", f + "  quantiles: [0.1, 1]\n", List.of("forecast.quantiles[1]: expected a quantile level in (0, 1), found 1")),
                Arguments.of("quantile twice", f + "  quantiles: [0.1, 0.1]\n", List.of("forecast.quantiles[1]: quantile level 0.1 is listed twice")),
                Arguments.of("quantiles not a list", f + "  quantiles: 0.9\n", List.of("forecast.quantiles: expected a list of quantile levels")),
                Arguments.of("recursive quantiles", f + "  strategy: recursive\n  quantiles: [0.1, 0.9]\n", List.of("quantiles need strategy direct")),
                Arguments.of("recursive with an observed input", BASE.replace("  target_columns", "  input_columns: [sales, visitors]\n  target_columns")
                        + "forecast:\n  strategy: recursive\n", List.of("input column 'visitors' is neither", "data.known_columns")),
                Arguments.of("unknown key", f + "  horizon: 3\n", List.of("unknown key 'horizon' in forecast")),
                Arguments.of("backtest key", f + "  backtest: {fold: 3}\n", List.of("unknown key 'fold' in forecast.backtest; did you mean 'folds'?")),
                Arguments.of("backtest mode", f + "  backtest: {mode: rolling}\n", List.of("forecast.backtest.mode: expected one of expanding, sliding, found 'rolling'")),
                Arguments.of("both spellings", BASE.replace("  target_columns", "  standardize: true\n  target_columns")
                        + "forecast:\n  scaling: window\n", List.of("data.standardize: for data.kind csv the scaling is forecast.scaling")),
                Arguments.of("forecast section elsewhere", """
                        data: {kind: npy, path: arrays}
                        task: {kind: regression}
                        forecast: {scaling: window}
                        """, List.of("the forecast section applies only to task.kind forecast, found task.kind regression")),
                Arguments.of("calendar without dates", BASE.replace("  target_columns", "  calendar: [month]\n  target_columns"),
                        List.of("data.calendar: calendar features are computed from the dates: set data.date_column too")),
                Arguments.of("misspelt calendar feature", BASE.replace("  target_columns", "  date_column: d\n  calendar: [mnth]\n  target_columns"),
                        List.of("data.calendar[0]: expected one of month, quarter", "did you mean 'month'?")),
                Arguments.of("known column is a target", BASE.replace("  target_columns", "  known_columns: [sales]\n  target_columns"),
                        List.of("column 'sales' is listed as known in advance and also in target_columns")),
                Arguments.of("id column is a target", BASE.replace("  target_columns", "  id_column: sales\n  target_columns"),
                        List.of("column 'sales' is the series id column and also a numeric column")),
                Arguments.of("id_column for npy", """
                        data: {kind: npy, path: arrays, id_column: s}
                        task: {kind: regression}
                        """, List.of("'id_column' applies only when data.kind is csv")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void badForecastSettingsGiveClearErrors(String name, String text, List<String> fragments) throws IOException {
        Path p = write("job.yaml", text);
        JobConfigException e = assertThrows(JobConfigException.class, () -> JobFiles.load(p));
        for (String fr : fragments) {
            assertTrue(e.getMessage().contains(fr), () -> "expected '" + fr + "' in:\n" + e.getMessage());
        }
    }

    @Test
    void aBadStandardizeValueIsReportedOnce() throws IOException {
        Path p = write("job.yaml", BASE.replace("  target_columns", "  standardize: maybe\n  target_columns"));
        JobConfigException e = assertThrows(JobConfigException.class, () -> JobFiles.load(p));
        String problem = "data.standardize: expected true or false, found the string 'maybe'";
        assertEquals(e.getMessage().indexOf(problem), e.getMessage().lastIndexOf(problem), e::getMessage);
        assertTrue(e.getMessage().contains(problem), e::getMessage);
    }
}
