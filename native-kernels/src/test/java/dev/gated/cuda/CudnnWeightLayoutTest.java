package dev.gated.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.DType;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnParam;
import dev.gated.engine.rnn.RnnSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The weight-space mapping against simulated {@code cudnnGetRNNWeightParams} answers: copying canonical tensors
 * through the segments must put every element where the simulated cuDNN says its gate block lives.
 */
class CudnnWeightLayoutTest {
    /** A simulated weight space: where each (pseudoLayer, linLayerID) matrix and bias starts, and the size. */
    private static final class FakeCudnn implements CudnnWeightLayout.Source {
        final RnnSpec spec;
        final int eb;
        final Map<String, CudnnWeightLayout.LinLayer> regions = new HashMap<>();
        long bytes;

        /**
         * cuDNN's documented order: per pseudo-layer the 2G matrices, then the 2G biases. With
         * {@code scrambled}, gate blocks go in reverse order with 64-byte gaps instead.
         */
        FakeCudnn(RnnSpec spec, boolean scrambled) {
            this.spec = spec;
            this.eb = spec.dtype().bytes();
            int g2 = 2 * spec.gates();
            int h = spec.hiddenSize();
            int dt = CudnnRnnDescriptorArgs.dataType(spec.dtype());
            long off = 0;
            for (int pseudo = 0; pseudo < spec.numLayers() * spec.directions(); pseudo++) {
                int in = spec.layerInputSize(pseudo / spec.directions());
                long[] m = new long[g2];
                long[] b = new long[g2];
                for (int k = 0; k < g2; k++) {
                    int id = scrambled ? g2 - 1 - k : k;
                    int cols = id < spec.gates() ? in : h;
                    m[id] = off;
                    off += (long) h * cols * eb + (scrambled ? 64 : 0);
                }
                for (int k = 0; k < g2; k++) {
                    int id = scrambled ? g2 - 1 - k : k;
                    b[id] = off;
                    off += (long) h * eb + (scrambled ? 64 : 0);
                }
                for (int id = 0; id < g2; id++) {
                    int cols = id < spec.gates() ? in : h;
                    regions.put(pseudo + "/" + id, new CudnnWeightLayout.LinLayer(
                            new CudnnWeightLayout.Region(m[id], dt, new int[] {1, h, cols}, new int[] {h * cols, cols, 1}),
                            new CudnnWeightLayout.Region(b[id], dt, new int[] {1, h, 1}, new int[] {h, 1, 1})));
                }
            }
            bytes = off;
        }

        @Override
        public CudnnWeightLayout.LinLayer query(int pseudoLayer, int linLayerId) {
            return regions.get(pseudoLayer + "/" + linLayerId);
        }

        /** A copy of this simulation with one answer replaced. */
        CudnnWeightLayout.Source with(int pseudo, int id, UnaryOperator<CudnnWeightLayout.LinLayer> change) {
            return (p, i) -> p == pseudo && i == id ? change.apply(query(p, i)) : query(p, i);
        }
    }

    private static final RnnSpec LSTM_BI = new RnnSpec(CellType.LSTM, 3, 4, 2, true, DType.FLOAT32);
    private static final RnnSpec GRU_F64 = new RnnSpec(CellType.GRU, 5, 2, 2, false, DType.FLOAT64);

    @Test
    void cudnnOrderMapsEveryElementToItsGateBlockInOneCopyPerParameter() {
        for (RnnSpec spec : List.of(LSTM_BI, GRU_F64)) {
            FakeCudnn cudnn = new FakeCudnn(spec, false);
            CudnnWeightLayout layout = CudnnWeightLayout.build(spec, cudnn.bytes, cudnn);
            for (RnnParam p : spec.parameters()) {
                assertEquals(1, layout.segments(p.name()).size(), p.name() + ": consecutive gate blocks merge");
            }
            assertCopiesLandWhereCudnnSays(spec, cudnn, layout);
            assertEquals(cudnn.bytes / spec.dtype().bytes(), layout.spaceElements());
        }
    }

    @Test
    void scrambledGateOrderWithGapsStillMapsEveryElement() {
        for (RnnSpec spec : List.of(LSTM_BI, GRU_F64)) {
            FakeCudnn cudnn = new FakeCudnn(spec, true);
            CudnnWeightLayout layout = CudnnWeightLayout.build(spec, cudnn.bytes, cudnn);
            for (RnnParam p : spec.parameters()) {
                assertEquals(spec.gates(), layout.segments(p.name()).size(), p.name() + ": one copy per gate block");
            }
            assertCopiesLandWhereCudnnSays(spec, cudnn, layout);
        }
    }

    /**
     * Writes distinct values for every canonical element through the segments into a simulated weight space,
     * then reads each gate block back at the address the simulated cuDNN reported for it, element by element.
     */
    private static void assertCopiesLandWhereCudnnSays(RnnSpec spec, FakeCudnn cudnn, CudnnWeightLayout layout) {
        int eb = spec.dtype().bytes();
        double[] space = new double[(int) (cudnn.bytes / eb)];
        java.util.Arrays.fill(space, Double.NaN);
        List<RnnParam> params = spec.parameters();
        for (int k = 0; k < params.size(); k++) {
            RnnParam p = params.get(k);
            for (CudnnWeightLayout.Segment s : layout.segments(p.name())) {
                for (long e = 0; e < s.elements(); e++) {
                    space[(int) (s.spaceByte() / eb + e)] = value(k, s.canonical() + e);
                }
            }
        }
        int h = spec.hiddenSize();
        for (int k = 0; k < params.size(); k++) {
            RnnParam p = params.get(k);
            int pseudo = p.layer() * spec.directions() + p.direction();
            boolean rec = p.kind() == RnnParam.Kind.WEIGHT_HH || p.kind() == RnnParam.Kind.BIAS_HH;
            int cols = p.kind() == RnnParam.Kind.WEIGHT_IH ? spec.layerInputSize(p.layer())
                    : p.kind() == RnnParam.Kind.WEIGHT_HH ? h : 1;
            for (int g = 0; g < spec.gates(); g++) {
                CudnnWeightLayout.LinLayer ll = cudnn.query(pseudo, (rec ? spec.gates() : 0) + g);
                CudnnWeightLayout.Region r = p.kind().isWeight() ? ll.matrix() : ll.bias();
                for (int row = 0; row < h; row++) {
                    for (int c = 0; c < cols; c++) {
                        double got = space[(int) (r.byteOffset() / eb) + row * cols + c];
                        long canonical = ((long) g * h + row) * cols + c;
                        assertEquals(value(k, canonical), got, p.name() + " gate " + g + " [" + row + ", " + c + "]");
                    }
                }
            }
        }
    }

    private static double value(int param, long element) {
        return param * 1_000_000.0 + element;
    }

    @Test
    void transposedMatrixIsRefusedNamingParameterAndGate() {
        FakeCudnn cudnn = new FakeCudnn(LSTM_BI, false);
        // weight_ih_l0_reverse gate 2 reported as [in, H] instead of [H, in].
        CudnnWeightLayout.Source bad = cudnn.with(1, 2, ll -> new CudnnWeightLayout.LinLayer(
                new CudnnWeightLayout.Region(ll.matrix().byteOffset(), 0, new int[] {1, 3, 4}, new int[] {12, 4, 1}),
                ll.bias()));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CudnnWeightLayout.build(LSTM_BI, cudnn.bytes, bad));
        assertTrue(e.getMessage().contains("weight_ih_l0_reverse gate 2") && e.getMessage().contains("[4, 3]"),
                e.getMessage());
    }

    @Test
    void columnMajorStridesAreRefused() {
        FakeCudnn cudnn = new FakeCudnn(LSTM_BI, false);
        CudnnWeightLayout.Source bad = cudnn.with(0, 4, ll -> new CudnnWeightLayout.LinLayer(
                new CudnnWeightLayout.Region(ll.matrix().byteOffset(), 0, new int[] {1, 4, 4}, new int[] {16, 1, 4}),
                ll.bias()));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CudnnWeightLayout.build(LSTM_BI, cudnn.bytes, bad));
        assertTrue(e.getMessage().contains("weight_hh_l0 gate 0"), e.getMessage());
    }

    @Test
    void wrongElementTypeIsRefused() {
        FakeCudnn cudnn = new FakeCudnn(GRU_F64, false);
        CudnnWeightLayout.Source bad = cudnn.with(1, 5, ll -> new CudnnWeightLayout.LinLayer(ll.matrix(),
                new CudnnWeightLayout.Region(ll.bias().byteOffset(), 0, ll.bias().dims(), ll.bias().strides())));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CudnnWeightLayout.build(GRU_F64, cudnn.bytes, bad));
        assertTrue(e.getMessage().contains("bias_hh_l1 gate 2") && e.getMessage().contains("float64"), e.getMessage());
    }

    @Test
    void overlappingOutOfBoundsMisalignedOrMissingRegionsAreRefused() {
        FakeCudnn cudnn = new FakeCudnn(LSTM_BI, false);
        CudnnWeightLayout.Source overlap = cudnn.with(0, 1, ll -> new CudnnWeightLayout.LinLayer(
                new CudnnWeightLayout.Region(cudnn.query(0, 0).matrix().byteOffset() + 4, 0, ll.matrix().dims(),
                        ll.matrix().strides()), ll.bias()));
        assertTrue(assertThrows(IllegalStateException.class, () -> CudnnWeightLayout.build(LSTM_BI, cudnn.bytes, overlap))
                .getMessage().contains("overlapping"));
        CudnnWeightLayout.Source outside = cudnn.with(3, 7, ll -> new CudnnWeightLayout.LinLayer(ll.matrix(),
                new CudnnWeightLayout.Region(cudnn.bytes - 4, 0, ll.bias().dims(), ll.bias().strides())));
        assertTrue(assertThrows(IllegalStateException.class, () -> CudnnWeightLayout.build(LSTM_BI, cudnn.bytes, outside))
                .getMessage().contains("bias_hh_l1_reverse gate 3"));
        CudnnWeightLayout.Source misaligned = cudnn.with(0, 0, ll -> new CudnnWeightLayout.LinLayer(
                new CudnnWeightLayout.Region(ll.matrix().byteOffset() + 2, 0, ll.matrix().dims(), ll.matrix().strides()),
                ll.bias()));
        assertThrows(IllegalStateException.class, () -> CudnnWeightLayout.build(LSTM_BI, cudnn.bytes, misaligned));
        CudnnWeightLayout.Source missing = cudnn.with(2, 3, ll -> new CudnnWeightLayout.LinLayer(ll.matrix(), null));
        assertTrue(assertThrows(IllegalStateException.class, () -> CudnnWeightLayout.build(LSTM_BI, cudnn.bytes, missing))
                .getMessage().contains("pseudoLayer 2, linLayerID 3"));
        assertThrows(IllegalStateException.class, () -> CudnnWeightLayout.build(LSTM_BI, 6, cudnn));
    }

    @Test
    void unknownParameterNameIsAnArgumentError() {
        FakeCudnn cudnn = new FakeCudnn(GRU_F64, false);
        CudnnWeightLayout layout = CudnnWeightLayout.build(GRU_F64, cudnn.bytes, cudnn);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> layout.segments("weight_ih_l0_reverse"));
        assertTrue(e.getMessage().contains("weight_ih_l0_reverse"), e.getMessage());
    }

    @Test
    void denseRowMajorIgnoresUnitDimensionsButNotOrderOrStrides() {
        assertTrue(CudnnWeightLayout.isDenseRowMajor(new int[] {1, 4, 3}, new int[] {12, 3, 1}, 4, 3));
        assertTrue(CudnnWeightLayout.isDenseRowMajor(new int[] {4, 3}, new int[] {3, 1}, 4, 3));
        assertTrue(CudnnWeightLayout.isDenseRowMajor(new int[] {1, 4, 1}, new int[] {4, 1, 1}, 4, 1));
        // Input size 1 (a univariate series): [H, 1].
        assertTrue(CudnnWeightLayout.isDenseRowMajor(new int[] {1, 4, 1}, new int[] {99, 1, 7}, 4, 1));
        assertFalse(CudnnWeightLayout.isDenseRowMajor(new int[] {1, 3, 4}, new int[] {12, 4, 1}, 4, 3));
        assertFalse(CudnnWeightLayout.isDenseRowMajor(new int[] {1, 4, 3}, new int[] {12, 4, 1}, 4, 3));
        assertFalse(CudnnWeightLayout.isDenseRowMajor(new int[] {2, 4, 3}, new int[] {12, 3, 1}, 4, 3));
        assertFalse(CudnnWeightLayout.isDenseRowMajor(new int[] {1, 4, 3}, new int[] {12, 3}, 4, 3));
    }

    @Test
    void coalesceMergesOnlyRunsAdjacentOnBothSides() {
        List<CudnnWeightLayout.Segment> merged = CudnnWeightLayout.coalesce(List.of(
                new CudnnWeightLayout.Segment(0, 100, 6),
                new CudnnWeightLayout.Segment(6, 124, 6),
                new CudnnWeightLayout.Segment(12, 200, 6),
                new CudnnWeightLayout.Segment(20, 224, 6)), 4);
        assertEquals(List.of(new CudnnWeightLayout.Segment(0, 100, 12), new CudnnWeightLayout.Segment(12, 200, 6),
                new CudnnWeightLayout.Segment(20, 224, 6)), merged);
    }
}
