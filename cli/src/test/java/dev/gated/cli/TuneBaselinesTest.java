package dev.gated.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The line {@code gated tune} prints under the best trial of a forecasting study (keys of ForecastReport's JSON). */
class TuneBaselinesTest {
    @TempDir
    Path dir;

    @Test
    void aBestTrialThatLosesToABaselineSaysSoAndWhatToTry() throws Exception {
        Files.writeString(dir.resolve("forecast.json"), """
                {"split": "test", "best_baseline_rmse": "seasonal_naive", "skill_rmse": -0.25,
                 "forecasters": {"model": {"overall": {"rmse": 5.0}},
                                 "seasonal_naive": {"overall": {"rmse": 4.0}}},
                 "beats_baselines": false, "losing_to": ["seasonal_naive", "drift"],
                 "try": ["forecast.difference: 1", "a longer data.window"]}""");
        String line = TuneCommand.againstBaselines(dir).orElseThrow();
        assertEquals("on the test split, the best trial's RMSE is 5.000 against 4.000 for seasonal_naive, the best "
                + "naive baseline (skill -0.250): it LOSES to seasonal_naive, drift; try: forecast.difference: 1; "
                + "a longer data.window", line);
    }

    @Test
    void aBestTrialThatBeatsThemSaysSo() throws Exception {
        Files.writeString(dir.resolve("forecast.json"), """
                {"split": "test", "best_baseline_rmse": "last_value", "skill_rmse": 0.05,
                 "forecasters": {"model": {"overall": {"rmse": 2.79}}, "last_value": {"overall": {"rmse": 2.93}}},
                 "beats_baselines": true, "losing_to": [], "try": []}""");
        assertTrue(TuneCommand.againstBaselines(dir).orElseThrow().endsWith("(skill 0.050): it beats every naive "
                + "baseline"));
    }

    @Test
    void aTrialWithoutAForecastReportAddsNoLine() throws Exception {
        assertTrue(TuneCommand.againstBaselines(dir).isEmpty());
    }
}
