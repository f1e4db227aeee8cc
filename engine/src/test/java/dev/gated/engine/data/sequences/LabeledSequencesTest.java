package dev.gated.engine.data.sequences;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.data.timeseries.DataFormatException;
import dev.gated.engine.data.timeseries.NanPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabeledSequencesTest {
    /** Sequences a (3 steps, walk), b (1 step, run), c (2 steps, walk); f2 = f1 + 1. */
    private static final String BASIC = "id,f1,f2,label\n"
            + "a,1,2,walk\n"
            + "a,3,4,walk\n"
            + "a,5,6,walk\n"
            + "b,7,8,run\n"
            + "c,9,10,walk\n"
            + "c,11,12,walk\n";

    @TempDir
    Path dir;

    private Path write(String content) throws IOException {
        Path f = dir.resolve("seq.csv");
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    private LabeledSequences read(String content, Optional<Integer> maxLength, NanPolicy policy,
                                  Optional<List<String>> classes) throws IOException {
        return LabeledSequences.read(write(content), "id", List.of("f1", "f2"), "label", maxLength, policy, classes);
    }

    private LabeledSequences read(String content) throws IOException {
        return read(content, Optional.empty(), NanPolicy.ERROR, Optional.empty());
    }

    /** Reads {@code content} with features f1, f2 expecting an error that starts with the file name. */
    private String fails(String content, NanPolicy policy, Optional<List<String>> classes) throws IOException {
        Path f = write(content);
        DataFormatException e = assertThrows(DataFormatException.class, () -> LabeledSequences.read(f, "id",
                List.of("f1", "f2"), "label", Optional.empty(), policy, classes));
        assertTrue(e.getMessage().startsWith(f + ":"), e.getMessage());
        return e.getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "expected '" + p + "' in: " + message);
        }
    }

    @Test
    void readsSequencesInFileOrderWithSortedClasses() throws IOException {
        LabeledSequences s = read(BASIC);
        assertEquals(3, s.size());
        assertEquals(2, s.inputSize());
        assertEquals(2, s.outputSize());
        assertEquals(List.of("run", "walk"), s.classes());
        assertEquals(List.of("a", "b", "c"), s.sequenceIds());
        assertEquals(List.of("f1", "f2"), s.inputColumns());
        assertTrue(s.hasLabels());
        assertEquals(3, s.length(0));
        assertEquals(1, s.length(1));
        assertEquals(2, s.length(2));
        assertEquals(1, s.label(0));
        assertEquals(0, s.label(1));
        assertEquals(1, s.label(2));
        assertEquals(0, s.truncated());
        assertEquals(0, s.droppedRows());
        assertEquals(0, s.droppedSequences());
    }

    @Test
    void batchPadsToTheLongestChosenSequenceSequenceMajor() throws IOException {
        LabeledSequences s = read(BASIC);
        SequenceBatch b = s.batch(0, 3);
        assertEquals(3, b.seqLength());
        assertEquals(3, b.batchSize());
        assertEquals(2, b.inputSize());
        assertEquals(2, b.outputSize());
        assertArrayEquals(new float[] {
            1, 2, 7, 8, 9, 10,   // t = 0: a, b, c
            3, 4, 0, 0, 11, 12,  // t = 1: b padded
            5, 6, 0, 0, 0, 0},   // t = 2: b, c padded
            b.x());
        assertArrayEquals(new int[] {3, 1, 2}, b.lengths());
        assertArrayEquals(new int[] {1, 0, 1}, b.labels());
        assertNull(b.y());
        assertFalse(b.labelsPerStep());

        SequenceBatch cb = s.batch(new int[] {2, 1});
        assertEquals(2, cb.seqLength());
        assertArrayEquals(new float[] {9, 10, 7, 8, 11, 12, 0, 0}, cb.x());
        assertArrayEquals(new int[] {2, 1}, cb.lengths());
        assertArrayEquals(new int[] {1, 0}, cb.labels());
    }

    @Test
    void batchRejectsBadIndices() throws IOException {
        LabeledSequences s = read(BASIC);
        assertThrows(IllegalArgumentException.class, () -> s.batch(new int[0]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.batch(new int[] {0, 3}));
        assertContains(e.getMessage(), "indices[1]", "[0, 3)", "got 3");
    }

    @Test
    void integerLabelsSortNumericallyOtherwiseAsStrings() throws IOException {
        LabeledSequences numeric = read("id,f1,f2,label\na,1,1,10\nb,1,1,9\nc,1,1,-1\nd,1,1,2\ne,1,1,+3\n");
        assertEquals(List.of("-1", "2", "+3", "9", "10"), numeric.classes());
        assertArrayEquals(new int[] {4, 3, 0, 1, 2}, numeric.batch(0, 5).labels());

        LabeledSequences text = read("id,f1,f2,label\na,1,1,10\nb,1,1,9\nc,1,1,x\n");
        assertEquals(List.of("10", "9", "x"), text.classes());
    }

    @Test
    void maxLengthKeepsTheLastSteps() throws IOException {
        LabeledSequences s = read(BASIC, Optional.of(2), NanPolicy.ERROR, Optional.empty());
        assertEquals(1, s.truncated());
        assertEquals(2, s.length(0));
        SequenceBatch b = s.batch(new int[] {0});
        assertArrayEquals(new float[] {3, 4, 5, 6}, b.x());
        assertEquals(1, s.subset(new int[] {0, 1}).truncated());
        assertEquals(0, s.subset(new int[] {1, 2}).truncated());
    }

    @Test
    void sequencesMustBeContiguous() throws IOException {
        String m = fails("id,f1,f2,label\na,1,1,x\na,2,2,x\nb,3,3,x\na,4,4,x\n", NanPolicy.ERROR, Optional.empty());
        assertContains(m, ":5: column 1 ('id')", "expected the rows of sequence 'a' to be contiguous",
                "found it again after sequence 'b'", "ended on line 3");
    }

    @Test
    void labelMustBeTheSameOnEveryRow() throws IOException {
        String m = fails("id,f1,f2,label\na,1,1,x\na,2,2,y\n", NanPolicy.ERROR, Optional.empty());
        assertContains(m, ":3: column 4 ('label')", "expected the label 'x' of sequence 'a' (as on line 2)",
                "found 'y'");
    }

    @Test
    void emptyIdsAndLabelsAreErrors() throws IOException {
        assertContains(fails("id,f1,f2,label\n,1,1,x\n", NanPolicy.ERROR, Optional.empty()),
                ":2: column 1 ('id')", "expected a sequence id, found an empty cell");
        assertContains(fails("id,f1,f2,label\na,1,1,\" \"\n", NanPolicy.ERROR, Optional.empty()),
                ":2: column 4 ('label')", "expected a label, found an empty cell");
    }

    @Test
    void badFeatureCells() throws IOException {
        assertContains(fails("id,f1,f2,label\na,1,1,x\na,1,abc,x\n", NanPolicy.DROP, Optional.empty()),
                ":3: column 3 ('f2')", "expected a number, found 'abc'");
        assertContains(fails("id,f1,f2,label\na,1,1,x\na,,1,x\n", NanPolicy.ERROR, Optional.empty()),
                ":3: column 2 ('f1')", "expected a finite number, found an empty cell", "nan_policy is error");
        assertContains(fails("id,f1,f2,label\na,1,NaN,x\n", NanPolicy.ERROR, Optional.empty()),
                ":2: column 3 ('f2')", "found 'NaN'");
    }

    @Test
    void missingColumns() throws IOException {
        assertContains(fails("sequence,f1,f2,label\na,1,1,x\n", NanPolicy.ERROR, Optional.empty()),
                ":1: expected a column named 'id'", "'sequence', 'f1', 'f2', 'label'");
        assertContains(fails("id,f1,label\na,1,x\n", NanPolicy.ERROR, Optional.empty()),
                ":1: expected a column named 'f2'", "'id', 'f1', 'label'");
        assertContains(fails("id,f1,f2\na,1,1\n", NanPolicy.ERROR, Optional.empty()),
                ":1: expected a column named 'label'");
    }

    @Test
    void fileLevelErrors() throws IOException {
        assertContains(fails("", NanPolicy.ERROR, Optional.empty()), ":1: expected a header row");
        assertContains(fails("id,f1,f2,label\n", NanPolicy.ERROR, Optional.empty()),
                ":1: expected at least one data row");
        assertContains(fails("id,f1,f2,label\na,1,1\n", NanPolicy.ERROR, Optional.empty()),
                ":2: expected 4 fields as in the header, found 3");
        Path missing = dir.resolve("nope.csv");
        DataFormatException e = assertThrows(DataFormatException.class, () -> LabeledSequences.read(missing, "id",
                List.of("f1"), "label", Optional.empty(), NanPolicy.ERROR, Optional.empty()));
        assertContains(e.getMessage(), missing.toString(), "expected a CSV file, found no such file");
    }

    @Test
    void dropRemovesIncompleteStepsAndEmptySequences() throws IOException {
        LabeledSequences s = read("id,f1,f2,label\n"
                + "a,1,2,x\n"
                + "a,,3,x\n"
                + "a,4,5,x\n"
                + "b,nan,1,y\n"
                + "c,6,7,z\n"
                + "d,8,inf,w\n", Optional.empty(), NanPolicy.DROP, Optional.empty());
        assertEquals(List.of("a", "c"), s.sequenceIds());
        assertEquals(3, s.droppedRows());
        assertEquals(2, s.droppedSequences());
        // classes come from the sequences kept: y and w have no example left
        assertEquals(List.of("x", "z"), s.classes());
        SequenceBatch b = s.batch(0, 2);
        assertArrayEquals(new float[] {1, 2, 6, 7, 4, 5, 0, 0}, b.x());
        assertArrayEquals(new int[] {2, 1}, b.lengths());
        assertArrayEquals(new int[] {0, 1}, b.labels());
    }

    @Test
    void dropOfEverySequenceIsAnError() throws IOException {
        assertContains(fails("id,f1,f2,label\na,,1,x\nb,1,nan,x\n", NanPolicy.DROP, Optional.empty()),
                "expected at least one sequence", "all 2 sequences dropped by nan_policy drop");
    }

    @Test
    void interpolateFillsWithinEachSequence() throws IOException {
        LabeledSequences s = read("id,f1,f2,label\n"
                + "a,,1,x\n"     // f1: leading gap, nearest valid value 2
                + "a,2,,x\n"     // f2: between 1 and 5 -> 3
                + "a,,5,x\n"     // f1: between 2 and 8 -> 5
                + "a,8,,x\n"     // f2: trailing gap -> 5
                + "b,,7,x\n"     // b's own values only: f1 -> 1 (not a's 8)
                + "b,1,nan,x\n", Optional.empty(), NanPolicy.INTERPOLATE, Optional.empty());
        assertEquals(6, s.interpolated());
        assertArrayEquals(new float[] {2, 1, 1, 7, 2, 3, 1, 7, 5, 5, 0, 0, 8, 5, 0, 0}, s.batch(0, 2).x());
    }

    @Test
    void interpolateLinearlyOverALongGap() throws IOException {
        LabeledSequences s = LabeledSequences.read(write("id,f,label\na,0,x\na,,x\na,,x\na,,x\na,8,x\n"), "id",
                List.of("f"), "label", Optional.empty(), NanPolicy.INTERPOLATE, Optional.empty());
        assertArrayEquals(new float[] {0, 2, 4, 6, 8}, s.batch(0, 1).x());
    }

    @Test
    void interpolateNeedsOneValuePerSequenceAndFeature() throws IOException {
        assertContains(fails("id,f1,f2,label\na,1,1,x\nb,,1,x\nb,nan,2,x\n", NanPolicy.INTERPOLATE, Optional.empty()),
                ":3-4: column 2 ('f1')", "sequence 'b'", "found only missing values");
    }

    @Test
    void truncationAppliesAfterDrop() throws IOException {
        LabeledSequences s = read("id,f1,f2,label\na,1,1,x\na,2,2,x\na,3,,x\n", Optional.of(2), NanPolicy.DROP,
                Optional.empty());
        assertArrayEquals(new float[] {1, 1, 2, 2}, s.batch(0, 1).x());
        assertEquals(0, s.truncated());
        assertEquals(1, s.droppedRows());
    }

    @Test
    void givenClassesFixTheOrderAndRejectUnknownLabels() throws IOException {
        List<String> model = List.of("walk", "jump", "run");
        LabeledSequences s = read(BASIC, Optional.empty(), NanPolicy.ERROR, Optional.of(model));
        assertEquals(model, s.classes());
        assertEquals(3, s.outputSize());
        assertArrayEquals(new int[] {0, 2, 0}, s.batch(0, 3).labels());

        assertContains(fails(BASIC, NanPolicy.ERROR, Optional.of(List.of("walk", "jump"))),
                ":5: column 4 ('label')", "expected one of the model's 2 classes 'walk', 'jump'", "found 'run'");
    }

    @Test
    void labelColumnMayBeAbsentForPrediction() throws IOException {
        LabeledSequences s = read("id,f1,f2\na,1,2\na,3,4\nb,5,6\n", Optional.empty(), NanPolicy.ERROR,
                Optional.of(List.of("p", "q", "r")));
        assertFalse(s.hasLabels());
        assertEquals(-1, s.label(0));
        assertEquals(3, s.outputSize());
        SequenceBatch b = s.batch(0, 2);
        assertArrayEquals(new int[] {0, 0}, b.labels());
        assertArrayEquals(new float[] {1, 2, 5, 6, 3, 4, 0, 0}, b.x());
    }

    @Test
    void argumentChecks() throws IOException {
        Path f = write(BASIC);
        assertThrows(IllegalArgumentException.class, () -> LabeledSequences.read(f, "id", List.of(), "label",
                Optional.empty(), NanPolicy.ERROR, Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> LabeledSequences.read(f, "id", List.of("f1", "f1"),
                "label", Optional.empty(), NanPolicy.ERROR, Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> LabeledSequences.read(f, "id", List.of("f1"), "label",
                Optional.of(0), NanPolicy.ERROR, Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> LabeledSequences.read(f, "id", List.of("f1"), "label",
                Optional.empty(), NanPolicy.ERROR, Optional.of(List.of("a", "a"))));
        assertThrows(IllegalArgumentException.class, () -> LabeledSequences.read(f, "id", List.of("f1"), null,
                Optional.empty(), NanPolicy.ERROR, Optional.empty()));
    }

    @Test
    void subsetKeepsIdsLabelsAndData() throws IOException {
        LabeledSequences s = read(BASIC).subset(new int[] {2, 0});
        assertEquals(List.of("c", "a"), s.sequenceIds());
        assertEquals(List.of("run", "walk"), s.classes());
        assertEquals(2, s.size());
        assertEquals(2, s.length(0));
        assertEquals(1, s.label(1));
        assertArrayEquals(new float[] {9, 10, 1, 2, 11, 12, 3, 4, 0, 0, 5, 6}, s.batch(0, 2).x());
        assertThrows(IllegalArgumentException.class, () -> s.subset(new int[] {2}));
    }

    @Test
    void meanStdOverAllStepsAndStandardize() throws IOException {
        LabeledSequences s = read(BASIC);
        double[][] ms = s.featureMeanStd();
        // f1 = 1, 3, 5, 7, 9, 11: mean 6, population variance 70 / 6; f2 = f1 + 1
        assertArrayEquals(new double[] {6, 7}, ms[0], 1e-12);
        assertArrayEquals(new double[] {Math.sqrt(70.0 / 6), Math.sqrt(70.0 / 6)}, ms[1], 1e-12);

        LabeledSequences z = s.standardized(new double[] {6, 7}, new double[] {2, 0}); // std 0 counts as 1
        assertArrayEquals(new float[] {-2.5f, -5, 0.5f, 1, -1.5f, -3, 0, 0, -0.5f, -1, 0, 0}, z.batch(0, 2).x());
        assertEquals(s.sequenceIds(), z.sequenceIds());
        // the original is unchanged
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, s.batch(new int[] {0}).x());
        double[][] zs = s.standardized(ms[0], ms[1]).featureMeanStd();
        assertArrayEquals(new double[] {0, 0}, zs[0], 1e-6);
        assertArrayEquals(new double[] {1, 1}, zs[1], 1e-6);

        assertThrows(IllegalArgumentException.class, () -> s.standardized(new double[] {0}, new double[] {1}));
    }
}
