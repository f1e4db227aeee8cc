package dev.gated.engine.data.arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.Shape;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.data.timeseries.DataFormatException;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyArraysTest {
    /** x (3, 2, 2): sequence k, step t, feature i holds 100k + 10t + i. */
    private static final float[] X = {
        0, 1, 10, 11,
        100, 101, 110, 111,
        200, 201, 210, 211};

    @TempDir
    Path dir;

    private void save(String name, HostTensor t) throws IOException {
        Npy.write(dir.resolve(name), t);
    }

    private void saveX() throws IOException {
        save("x.npy", HostTensor.ofFloats(Shape.of(3, 2, 2), X));
    }

    private String fails(boolean classification, String file) {
        DataFormatException e = assertThrows(DataFormatException.class, () -> NpyArrays.read(dir, classification));
        assertTrue(e.getMessage().startsWith(dir.resolve(file) + ": expected "), e.getMessage());
        return e.getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "expected '" + p + "' in: " + message);
        }
    }

    @Test
    void regressionWithLengths() throws IOException {
        saveX();
        save("y.npy", HostTensor.ofDoubles(Shape.of(3, 2), new double[] {1, 2, 3, 4, 5, 6}));
        save("lengths.npy", HostTensor.ofLongs(Shape.of(3), new long[] {2, 1, 2}));
        NpyArrays a = NpyArrays.read(dir, false);
        assertEquals(3, a.size());
        assertEquals(2, a.inputSize());
        assertEquals(2, a.outputSize());
        assertFalse(a.classification());
        assertTrue(a.hasTargets());
        assertEquals(List.of(), a.classes());
        assertEquals(1, a.length(1));

        SequenceBatch b = a.batch(new int[] {1, 2});
        assertEquals(2, b.seqLength());
        assertArrayEquals(new float[] {100, 101, 200, 201, 0, 0, 210, 211}, b.x());
        assertArrayEquals(new int[] {1, 2}, b.lengths());
        assertArrayEquals(new float[] {3, 4, 5, 6}, b.y());
        assertNull(b.labels());

        // only the chosen sequences count for T: sequence 1 alone has 1 step
        SequenceBatch one = a.batch(new int[] {1});
        assertEquals(1, one.seqLength());
        assertArrayEquals(new float[] {100, 101}, one.x());
    }

    @Test
    void regressionWithRankOneTargetsAndNoLengths() throws IOException {
        saveX();
        save("y.npy", HostTensor.ofFloats(Shape.of(3), new float[] {7, 8, 9}));
        NpyArrays a = NpyArrays.read(dir, false);
        assertEquals(1, a.outputSize());
        SequenceBatch b = a.batch(0, 3);
        assertArrayEquals(new float[] {0, 1, 100, 101, 200, 201, 10, 11, 110, 111, 210, 211}, b.x());
        assertArrayEquals(new int[] {2, 2, 2}, b.lengths());
        assertArrayEquals(new float[] {7, 8, 9}, b.y());
    }

    @Test
    void classification() throws IOException {
        save("x.npy", HostTensor.ofDoubles(Shape.of(3, 2, 2), toDoubles(X)));
        save("y.npy", HostTensor.ofInts(Shape.of(3), new int[] {2, 0, 2}));
        save("lengths.npy", HostTensor.ofInts(Shape.of(3), new int[] {1, 2, 2}));
        NpyArrays a = NpyArrays.read(dir, true);
        assertTrue(a.classification());
        assertEquals(3, a.outputSize());
        assertEquals(List.of("0", "1", "2"), a.classes());
        SequenceBatch b = a.batch(new int[] {0, 1});
        assertArrayEquals(new float[] {0, 1, 100, 101, 0, 0, 110, 111}, b.x());
        assertArrayEquals(new int[] {2, 0}, b.labels());
        assertNull(b.y());
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    @Test
    void readInputsForPrediction() throws IOException {
        saveX();
        save("lengths.npy", HostTensor.ofInts(Shape.of(3), new int[] {1, 1, 2}));
        NpyArrays a = NpyArrays.readInputs(dir);
        assertFalse(a.hasTargets());
        assertEquals(1, a.outputSize());
        SequenceBatch b = a.batch(0, 2);
        assertArrayEquals(new float[] {0, 1, 100, 101}, b.x());
        assertArrayEquals(new float[] {0, 0}, b.y());
    }

    @Test
    void missingFiles() throws IOException {
        assertContains(fails(false, "x.npy"), "x of shape (N, T, I) as float32 or float64", "found no such file");
        saveX();
        assertContains(fails(false, "y.npy"), "y of shape (N=3,) or (3, O)", "found no such file");
    }

    @Test
    void wrongXDtypeOrRank() throws IOException {
        save("x.npy", HostTensor.ofInts(Shape.of(3, 2, 2), new int[12]));
        assertContains(fails(false, "x.npy"), "x of shape (N, T, I) as float32 or float64", "found int32");
        save("x.npy", HostTensor.ofFloats(Shape.of(3, 4), new float[12]));
        assertContains(fails(false, "x.npy"), "x of shape (N, T, I)", "found (3, 4)");
        save("x.npy", HostTensor.ofFloats(Shape.of(3, 0, 2), new float[0]));
        assertContains(fails(false, "x.npy"), "N, T, I >= 1", "found (3, 0, 2)");
    }

    @Test
    void yShapeMustMatchX() throws IOException {
        saveX();
        save("y.npy", HostTensor.ofFloats(Shape.of(2, 1), new float[2]));
        assertContains(fails(false, "y.npy"),
                "expected y of shape (N=3,) or (3, O) as float32 or float64 with N matching x.npy (3, 2, 2), "
                        + "found (2, 1)");
        save("y.npy", HostTensor.ofFloats(Shape.of(3, 1, 1), new float[3]));
        assertContains(fails(false, "y.npy"), "found (3, 1, 1)");
        save("y.npy", HostTensor.ofFloats(Shape.of(3, 0), new float[0]));
        assertContains(fails(false, "y.npy"), "found (3, 0)");
    }

    @Test
    void yDtypeMustFitTheTask() throws IOException {
        saveX();
        save("y.npy", HostTensor.ofLongs(Shape.of(3), new long[3]));
        assertContains(fails(false, "y.npy"), "as float32 or float64", "found int64");
        save("y.npy", HostTensor.ofFloats(Shape.of(3), new float[3]));
        assertContains(fails(true, "y.npy"), "y of shape (N=3,) as int32 or int64 class indices", "found float32",
                "astype('int64')");
        save("y.npy", HostTensor.ofInts(Shape.of(3, 1), new int[3]));
        assertContains(fails(true, "y.npy"), "found (3, 1)");
    }

    @Test
    void negativeClassIsAnError() throws IOException {
        saveX();
        save("y.npy", HostTensor.ofInts(Shape.of(3), new int[] {0, -1, 1}));
        assertContains(fails(true, "y.npy"), "class indices in [0, ", "found -1 at y[1]");
    }

    @Test
    void lengthsMustMatchAndBeInRange() throws IOException {
        saveX();
        save("y.npy", HostTensor.ofFloats(Shape.of(3), new float[3]));
        save("lengths.npy", HostTensor.ofInts(Shape.of(2), new int[] {1, 1}));
        assertContains(fails(false, "lengths.npy"), "lengths of shape (N=3,) as int32 or int64 with N matching "
                + "x.npy (3, 2, 2)", "found (2,)");
        save("lengths.npy", HostTensor.ofFloats(Shape.of(3), new float[] {1, 1, 1}));
        assertContains(fails(false, "lengths.npy"), "found float32");
        save("lengths.npy", HostTensor.ofInts(Shape.of(3), new int[] {1, 0, 2}));
        assertContains(fails(false, "lengths.npy"), "lengths in [1, T=2] for x.npy (3, 2, 2)", "found 0 at lengths[1]");
        save("lengths.npy", HostTensor.ofLongs(Shape.of(3), new long[] {1, 2, 3}));
        assertContains(fails(false, "lengths.npy"), "found 3 at lengths[2]");
    }

    @Test
    void nonFiniteValues() throws IOException {
        float[] x = X.clone();
        x[7] = Float.NaN; // sequence 1, step 1, feature 1
        save("x.npy", HostTensor.ofFloats(Shape.of(3, 2, 2), x));
        save("y.npy", HostTensor.ofFloats(Shape.of(3, 1), new float[] {0, Float.POSITIVE_INFINITY, 0}));
        assertContains(fails(false, "x.npy"), "finite values in x", "found NaN at x[1, 1, 1]");
        // past the sequence's length the value is ignored
        save("lengths.npy", HostTensor.ofInts(Shape.of(3), new int[] {2, 1, 2}));
        assertContains(fails(false, "y.npy"), "finite values in y", "found Infinity at y[1, 0]");
    }

    @Test
    void corruptFileIsADataFormatError() throws IOException {
        Files.writeString(dir.resolve("x.npy"), "not a numpy file at all");
        assertContains(fails(false, "x.npy"), "a .npy file holding x", "magic");
    }

    @Test
    void subsetAndStandardize() throws IOException {
        saveX();
        save("y.npy", HostTensor.ofInts(Shape.of(3), new int[] {0, 1, 1}));
        save("lengths.npy", HostTensor.ofInts(Shape.of(3), new int[] {2, 1, 2}));
        NpyArrays a = NpyArrays.read(dir, true);

        NpyArrays s = a.subset(new int[] {2, 1});
        assertEquals(2, s.size());
        assertEquals(2, s.outputSize());
        SequenceBatch b = s.batch(0, 2);
        assertArrayEquals(new float[] {200, 201, 100, 101, 210, 211, 0, 0}, b.x());
        assertArrayEquals(new int[] {1, 1}, b.labels());

        // valid steps only: feature 0 = 0, 10, 100, 200, 210 (the padded step of sequence 1 does not count)
        double[][] ms = a.featureMeanStd();
        double mean = (0 + 10 + 100 + 200 + 210) / 5.0;
        double var = (Math.pow(0 - mean, 2) + Math.pow(10 - mean, 2) + Math.pow(100 - mean, 2)
                + Math.pow(200 - mean, 2) + Math.pow(210 - mean, 2)) / 5;
        assertArrayEquals(new double[] {mean, mean + 1}, ms[0], 1e-9);
        assertArrayEquals(new double[] {Math.sqrt(var), Math.sqrt(var)}, ms[1], 1e-9);

        NpyArrays z = a.standardized(new double[] {100, 101}, new double[] {10, 0});
        assertArrayEquals(new float[] {-10, -100, 0, 0, -9, -90, 0, 0}, z.batch(0, 2).x());
        assertArrayEquals(new int[] {0, 1}, z.batch(0, 2).labels());
    }

    @Test
    void regressionSubsetKeepsTargetRows() throws IOException {
        saveX();
        save("y.npy", HostTensor.ofFloats(Shape.of(3, 2), new float[] {1, 2, 3, 4, 5, 6}));
        NpyArrays s = NpyArrays.read(dir, false).subset(new int[] {2, 0});
        assertArrayEquals(new float[] {5, 6, 1, 2}, s.batch(0, 2).y());
        assertThrows(IllegalArgumentException.class, () -> s.batch(new int[] {2}));
    }
}
