package dev.gated.engine.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.data.timeseries.PanelColumns;
import dev.gated.engine.forecast.ForecastLayout;
import dev.gated.engine.forecast.Scaling;
import dev.gated.engine.forecast.Strategy;
import dev.gated.engine.forecast.TargetMode;
import dev.gated.engine.forecast.WindowCodec;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The forecast decoding nodes alone against {@link WindowCodec#decode} on random network outputs: every difference
 * (none, 1, seasonal lags shorter and longer than the horizon), one or two targets, point or quantile outputs (the
 * codec sorts the levels; random outputs cross, so the sort is exercised).
 */
class ForecastDecodingTest {
    @ParameterizedTest(name = "horizon={0} difference={1} targets={2} quantiles={3}")
    @CsvSource({
        "3, 0, 1, 0",
        "4, 1, 2, 3",
        "5, 2, 1, 3",
        "2, 4, 2, 0",
        "7, 3, 2, 2",
    })
    void decodesAsTheCodec(int horizon, int difference, int targets, int quantiles) {
        OrtAvailable.assume();
        double[] levels = new double[quantiles];
        for (int k = 0; k < quantiles; k++) {
            levels[k] = (k + 1.0) / (quantiles + 1);
        }
        List<String> names = targets == 1 ? List.of("a") : List.of("a", "b");
        ForecastLayout l = new ForecastLayout(6, horizon, Strategy.DIRECT, difference, Scaling.WINDOW,
                TargetMode.VALUE, new PanelColumns(names, names, List.of()), List.of(), levels);
        int b = 3;
        int o = l.outputSize();
        SplittableRandom rnd = new SplittableRandom(horizon * 10L + difference);
        float[] out = new float[b * o];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) rnd.nextDouble(-2, 2);
        }
        float[] scale = new float[b * targets];
        float[] base = new float[b * targets];
        float[] recent = new float[b * targets * difference];
        WindowCodec codec = new WindowCodec(l);
        double[][][][] expected = new double[b][][][];
        for (int w = 0; w < b; w++) {
            double[] s = new double[targets];
            double[] m = new double[targets];
            double[][] r = new double[targets][difference];
            for (int j = 0; j < targets; j++) {
                s[j] = scale[w * targets + j] = (float) rnd.nextDouble(0.5, 3);
                m[j] = base[w * targets + j] = (float) rnd.nextDouble(-10, 10);
                for (int i = 0; i < difference; i++) {
                    r[j][i] = recent[(w * targets + j) * difference + i] = (float) rnd.nextDouble(50, 100);
                }
            }
            expected[w] = codec.decode(new WindowCodec.Encoded(new float[0], null, m, s, r), out, w * o);
        }

        OnnxGraph g = new OnnxGraph();
        String in = g.input("out", "network outputs", OnnxGraph.FLOAT, "batch", o);
        g.output(ForecastDecoding.build(g, in, l), "forecast", "decoded", OnnxGraph.FLOAT, "batch",
                l.modelHorizon(), targets, l.quantileCount());
        Map<String, Ort.Input> inputs = new java.util.LinkedHashMap<>();
        inputs.put("out", Ort.Input.floats(out, b, o));
        inputs.put(ForecastDecoding.TARGET_SCALE, Ort.Input.floats(scale, b, targets));
        inputs.put(ForecastDecoding.TARGET_BASE, Ort.Input.floats(base, b, targets));
        if (difference > 0) {
            inputs.put(ForecastDecoding.RECENT, Ort.Input.floats(recent, b, targets, difference));
        }
        float[] got = Ort.run(g.model("decode", "test", "", Map.of()), inputs).get("forecast");
        int q = l.quantileCount();
        assertEquals(b * horizon * targets * q, got.length);
        for (int w = 0; w < b; w++) {
            for (int h = 0; h < horizon; h++) {
                for (int j = 0; j < targets; j++) {
                    for (int k = 0; k < q; k++) {
                        double e = expected[w][h][j][k];
                        double a = got[((w * horizon + h) * targets + j) * q + k];
                        assertTrue(Math.abs(a - e) <= 1e-5 * Math.max(1, Math.abs(e)), "window " + w + " step " + h
                                + " target " + j + " level " + k + ": ONNX Runtime " + a + ", codec " + e);
                    }
                }
            }
        }
    }
}
