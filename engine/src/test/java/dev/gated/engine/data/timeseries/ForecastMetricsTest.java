package dev.gated.engine.data.timeseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.data.SequenceBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForecastMetricsTest {
    @TempDir
    Path dir;

    @Test
    void handComputedValues() {
        ForecastMetrics m = ForecastMetrics.of(new double[] {1, 2, 3}, new double[] {2, 2, 5});
        // errors -1, 0, -2
        assertEquals(3, m.count());
        assertEquals(5.0 / 3, m.mse(), 1e-12);
        assertEquals(1.0, m.mae(), 1e-12);
        assertEquals(Math.sqrt(5.0 / 3), m.rmse(), 1e-12);
        assertEquals(100 * (0.5 + 0 + 0.4) / 3, m.mape(), 1e-12);
        assertEquals(3, m.mapeCount());
    }

    @Test
    void mapeSkipsZeroActuals() {
        ForecastMetrics m = ForecastMetrics.of(new double[] {1, 3}, new double[] {0, 4});
        assertEquals(25, m.mape(), 1e-12);
        assertEquals(1, m.mapeCount());
        assertEquals(1, m.mae(), 1e-12);
        assertTrue(Double.isNaN(ForecastMetrics.of(new double[] {1}, new double[] {0}).mape()));
    }

    @Test
    void accumulatesOverBatches() {
        ForecastMetrics all = ForecastMetrics.of(new double[] {1, 2, 3, 4}, new double[] {2, 2, 5, 1});
        ForecastMetrics parts = new ForecastMetrics.Accumulator()
                .add(new double[] {1, 2}, new double[] {2, 2})
                .add(new double[] {3, 4}, new double[] {5, 1})
                .result();
        assertEquals(all, parts);
        assertThrows(IllegalArgumentException.class, () -> ForecastMetrics.of(new double[2], new double[3]));
        assertThrows(IllegalStateException.class, () -> new ForecastMetrics.Accumulator().result());
    }

    @Test
    void lastValueBaselineOnKnownSeries() {
        // y = t^2: window of 2, horizon 1: forecast (t-1)^2... i.e. error between last value and next value
        double[] y = {0, 1, 4, 9, 16};
        TimeSeries s = new TimeSeries("sq", List.of("y"), List.of("y"), new double[][] {y}, null);
        Windows w = new Windows(s, 2, 1, 1); // windows [0,1]->4, [1,4]->9, [4,9]->16
        ForecastMetrics m = ForecastMetrics.lastValueBaseline(w);
        // errors 1-4=-3, 4-9=-5, 9-16=-7
        assertEquals((9 + 25 + 49) / 3.0, m.mse(), 1e-12);
        assertEquals(5, m.mae(), 1e-12);
        assertEquals(100 * (3.0 / 4 + 5.0 / 9 + 7.0 / 16) / 3, m.mape(), 1e-12);
        // horizon 2: [0,1]->9, [1,4]->16: errors -8, -12
        ForecastMetrics h2 = ForecastMetrics.lastValueBaseline(new Windows(s, 2, 2, 1));
        assertEquals(10, h2.mae(), 1e-12);
        assertThrows(IllegalArgumentException.class,
                () -> ForecastMetrics.lastValueBaseline(new Windows(s, 5, 1, 1)));
    }

    /** The whole pipeline: CSV, split, standardizer fitted on train, windows, batches, predictions back. */
    @Test
    void endToEndPipeline() throws IOException {
        StringBuilder csv = new StringBuilder("date,temp,load\r\n");
        for (int t = 0; t < 40; t++) {
            csv.append("2021-01-").append(t).append(',').append(20 + (t % 7)).append(',')
                    .append(t == 13 ? "" : String.valueOf(100 + 3 * t)).append("\r\n");
        }
        Path f = dir.resolve("load.csv");
        Files.writeString(f, csv);
        TimeSeries raw = TimeSeriesCsv.read(f, List.of("temp", "load"), List.of("load"), "date",
                NanPolicy.INTERPOLATE);
        assertEquals(1, raw.interpolatedCells());
        assertEquals(139, raw.value("load", 13), 1e-12);

        ChronologicalSplit.Parts parts = new ChronologicalSplit(0.5, 0.25).split(raw);
        Standardizer st = Standardizer.fit(parts.train());
        Windows trainRaw = parts.trainWindows(4, 1, 1);
        Windows train = new Windows(st.transform(parts.train()), 4, 1, 1);
        Windows valRaw = parts.validationWindows(4, 1, 1);
        Windows val = new Windows(st.transform(parts.validation()), 4, 1, 1);
        assertEquals(20 - 5 + 1, train.count());
        assertEquals(10 - 5 + 1, val.count());

        SequenceBatch batch = val.batch(0, val.count());
        assertEquals(2, batch.inputSize());
        assertEquals(1, batch.outputSize());
        // targets of the batch, back in original units, are the raw targets
        assertArrayEquals(valRaw.targets(0, valRaw.count()), st.inverse(List.of("load"), batch.y()), 1e-4);
        // the first validation target is row 20 + 3 + 1 = 24 of the file
        assertEquals(100 + 3 * 24, valRaw.target(0)[0], 0);
        // "predictions" equal to the last value, brought back to original units, give the baseline's metrics
        double[] lastZ = val.lastValues(0, val.count());
        ForecastMetrics viaModel = ForecastMetrics.of(st.inverse(List.of("load"), lastZ),
                valRaw.targets(0, valRaw.count()));
        ForecastMetrics baseline = ForecastMetrics.lastValueBaseline(valRaw);
        assertEquals(baseline.mse(), viaModel.mse(), 1e-9);
        assertEquals(9, baseline.mse(), 1e-9); // load rises by 3 per step
        assertEquals(3, baseline.rmse(), 1e-9);
        assertEquals(trainRaw.count(), train.count());
    }
}
