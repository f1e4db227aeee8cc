package dev.gated.cuda;

import dev.gated.engine.rnn.RnnParam;
import dev.gated.engine.rnn.RnnSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each canonical (PyTorch-named) parameter lives in cuDNN's weight space, built from what
 * {@code cudnnGetRNNWeightParams} reports and never from an assumed layout.
 *
 * <p>cuDNN reports one matrix and one bias per (pseudo-layer = layer * D + direction, linLayerID): IDs
 * 0..G-1 are the input-side gates, G..2G-1 the recurrent ones, in the canonical gate order. A canonical
 * {@code weight_ih} [G*H, in] is G consecutive row-major [H, in] gate blocks, so gate g maps to the element
 * range [g*H*in, (g+1)*H*in) of the canonical tensor. Every reported region is checked: element type, shape
 * (the canonical gate block), dense row-major strides, alignment, bounds, and no two regions overlapping.
 * Adjacent blocks that are also adjacent in the weight space are merged, so a copy usually needs one call per
 * parameter.
 */
final class CudnnWeightLayout {
    /** One region cuDNN reported: byte offset from the weight-space base and its tensor descriptor. */
    record Region(long byteOffset, int dataType, int[] dims, int[] strides) {
        @Override
        public String toString() {
            return "offset " + byteOffset + " bytes, dims " + Arrays.toString(dims) + ", strides "
                    + Arrays.toString(strides) + ", cudnnDataType " + dataType;
        }
    }

    /** The matrix and the bias of one linear layer. */
    record LinLayer(Region matrix, Region bias) {
    }

    /** What {@code cudnnGetRNNWeightParams} returns for one pseudo-layer and linLayerID. */
    @FunctionalInterface
    interface Source {
        LinLayer query(int pseudoLayer, int linLayerId);
    }

    /** {@code elements} elements at canonical element offset {@code canonical} and weight-space byte offset {@code space}. */
    record Segment(long canonical, long spaceByte, long elements) {
    }

    private final RnnSpec spec;
    private final long spaceBytes;
    private final int elemBytes;
    private final Map<String, List<Segment>> segments = new HashMap<>();

    private CudnnWeightLayout(RnnSpec spec, long spaceBytes) {
        this.spec = spec;
        this.spaceBytes = spaceBytes;
        this.elemBytes = spec.dtype().bytes();
    }

    /** Queries every canonical gate block once and validates it; throws on anything unexpected. */
    static CudnnWeightLayout build(RnnSpec spec, long spaceBytes, Source source) {
        CudnnWeightLayout layout = new CudnnWeightLayout(spec, spaceBytes);
        if (spaceBytes <= 0 || spaceBytes % layout.elemBytes != 0) {
            throw new IllegalStateException("cudnnGetRNNWeightSpaceSize: " + spaceBytes + " bytes for " + spec
                    + " is not a positive multiple of the element size " + layout.elemBytes);
        }
        int gates = spec.gates();
        int h = spec.hiddenSize();
        int dataType = CudnnRnnDescriptorArgs.dataType(spec.dtype());
        List<Segment> all = new ArrayList<>();
        List<String> owners = new ArrayList<>();
        for (int layer = 0; layer < spec.numLayers(); layer++) {
            for (int dir = 0; dir < spec.directions(); dir++) {
                int pseudo = layer * spec.directions() + dir;
                LinLayer[] reported = new LinLayer[2 * gates];
                for (int id = 0; id < 2 * gates; id++) {
                    reported[id] = source.query(pseudo, id);
                    if (reported[id] == null || reported[id].matrix() == null || reported[id].bias() == null) {
                        throw new IllegalStateException("cudnnGetRNNWeightParams(pseudoLayer " + pseudo
                                + ", linLayerID " + id + ") reported no matrix or no bias for " + spec);
                    }
                }
                for (RnnParam p : spec.parameters()) {
                    if (p.layer() != layer || p.direction() != dir) {
                        continue;
                    }
                    boolean recurrent = p.kind() == RnnParam.Kind.WEIGHT_HH || p.kind() == RnnParam.Kind.BIAS_HH;
                    int cols = p.kind() == RnnParam.Kind.WEIGHT_IH ? spec.layerInputSize(layer)
                            : p.kind() == RnnParam.Kind.WEIGHT_HH ? h : 1;
                    List<Segment> blocks = new ArrayList<>();
                    for (int g = 0; g < gates; g++) {
                        int id = (recurrent ? gates : 0) + g;
                        Region r = p.kind().isWeight() ? reported[id].matrix() : reported[id].bias();
                        String what = p.name() + " gate " + g + " (cudnnGetRNNWeightParams pseudoLayer " + pseudo
                                + ", linLayerID " + id + (p.kind().isWeight() ? ", matrix" : ", bias") + ")";
                        layout.checkRegion(what, r, dataType, h, cols);
                        blocks.add(new Segment((long) g * h * cols, r.byteOffset(), (long) h * cols));
                        owners.add(what);
                    }
                    all.addAll(blocks);
                    layout.segments.put(p.name(), coalesce(blocks, layout.elemBytes));
                }
            }
        }
        layout.checkDisjoint(all, owners);
        return layout;
    }

    private void checkRegion(String what, Region r, int dataType, int rows, int cols) {
        if (r.dataType() != dataType) {
            throw new IllegalStateException(what + ": expected cudnnDataType " + dataType + " for " + spec.dtype()
                    + ", cuDNN reported " + r);
        }
        if (!isDenseRowMajor(r.dims(), r.strides(), rows, cols)) {
            throw new IllegalStateException(what + ": expected a dense row-major [" + rows + ", " + cols
                    + "] block (leading size-1 dimensions allowed), cuDNN reported " + r);
        }
        long bytes = (long) rows * cols * elemBytes;
        if (r.byteOffset() < 0 || r.byteOffset() % elemBytes != 0 || r.byteOffset() + bytes > spaceBytes) {
            throw new IllegalStateException(what + ": expected an element-aligned region inside the " + spaceBytes
                    + "-byte weight space, cuDNN reported " + r);
        }
    }

    /**
     * True when dims are [rows, cols] after dropping size-1 dimensions on both sides of the comparison (cuDNN
     * reports matrices as [1, rows, cols] and biases as [1, rows, 1]), and every dimension longer than 1 has the
     * stride of a packed row-major tensor.
     */
    static boolean isDenseRowMajor(int[] dims, int[] strides, int rows, int cols) {
        if (dims == null || strides == null || dims.length != strides.length || dims.length == 0) {
            return false;
        }
        int[] expected = Arrays.stream(new int[] {rows, cols}).filter(d -> d != 1).toArray();
        int[] actual = Arrays.stream(dims).filter(d -> d != 1).toArray();
        if (Arrays.stream(dims).anyMatch(d -> d < 1) || !Arrays.equals(expected, actual)) {
            return false;
        }
        long packed = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            if (dims[i] > 1 && strides[i] != packed) {
                return false;
            }
            packed *= dims[i];
        }
        return true;
    }

    /** Merges blocks that follow each other both in the canonical tensor and in the weight space. */
    static List<Segment> coalesce(List<Segment> blocks, int elemBytes) {
        List<Segment> out = new ArrayList<>();
        for (Segment s : blocks) {
            if (!out.isEmpty()) {
                Segment last = out.get(out.size() - 1);
                if (last.canonical() + last.elements() == s.canonical()
                        && last.spaceByte() + last.elements() * elemBytes == s.spaceByte()) {
                    out.set(out.size() - 1, new Segment(last.canonical(), last.spaceByte(),
                            last.elements() + s.elements()));
                    continue;
                }
            }
            out.add(s);
        }
        return List.copyOf(out);
    }

    private void checkDisjoint(List<Segment> all, List<String> owners) {
        Integer[] order = new Integer[all.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong(i -> all.get(i).spaceByte()));
        for (int k = 1; k < order.length; k++) {
            Segment prev = all.get(order[k - 1]);
            Segment cur = all.get(order[k]);
            if (prev.spaceByte() + prev.elements() * elemBytes > cur.spaceByte()) {
                throw new IllegalStateException("cudnnGetRNNWeightParams reported overlapping regions: "
                        + owners.get(order[k - 1]) + " at byte " + prev.spaceByte() + " (" + prev.elements()
                        + " elements) and " + owners.get(order[k]) + " at byte " + cur.spaceByte());
            }
        }
    }

    /** The copies that move canonical parameter {@code name} in or out of the weight space. */
    List<Segment> segments(String name) {
        List<Segment> s = segments.get(name);
        if (s == null) {
            throw new IllegalArgumentException("parameter '" + name + "' is not part of " + spec);
        }
        return s;
    }

    long spaceBytes() {
        return spaceBytes;
    }

    /** Elements of the weight space, as {@link dev.gated.engine.rnn.RnnPlan#weightSpaceSize()} reports them. */
    int spaceElements() {
        long n = spaceBytes / elemBytes;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalStateException(spec + ": cuDNN's weight space holds " + n
                    + " elements; tensors hold at most 2^31-1");
        }
        return (int) n;
    }
}
