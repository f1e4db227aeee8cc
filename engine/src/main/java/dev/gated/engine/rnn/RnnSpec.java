package dev.gated.engine.rnn;

import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * What an RNN is, independent of any backend: exactly {@code torch.nn.LSTM} / {@code torch.nn.GRU} with
 * {@code bias=True, batch_first=False}. Layer k > 0 reads the concatenated outputs of both directions of
 * layer k-1.
 */
public record RnnSpec(CellType cell, int inputSize, int hiddenSize, int numLayers, boolean bidirectional,
                      DType dtype) {
    public RnnSpec {
        if (cell == null) {
            throw new IllegalArgumentException("cell: expected lstm or gru, got null");
        }
        if (dtype == null) {
            throw new IllegalArgumentException("dtype: expected float32 or float64, got null");
        }
        if (inputSize <= 0) {
            throw new IllegalArgumentException("inputSize: expected > 0, got " + inputSize);
        }
        if (hiddenSize <= 0) {
            throw new IllegalArgumentException("hiddenSize: expected > 0, got " + hiddenSize);
        }
        if (numLayers <= 0) {
            throw new IllegalArgumentException("numLayers: expected > 0, got " + numLayers);
        }
    }

    public int directions() {
        return bidirectional ? 2 : 1;
    }

    public int gates() {
        return cell.gates();
    }

    /** Width of one layer's input: I for layer 0, D*H above it. */
    public int layerInputSize(int layer) {
        return layer == 0 ? inputSize : directions() * hiddenSize;
    }

    public int outputSize() {
        return directions() * hiddenSize;
    }

    /** Shape of hx, cx, hy, cy and their gradients: [L*D, B, H]. */
    public Shape stateShape(int batch) {
        return Shape.of(numLayers * directions(), batch, hiddenSize);
    }

    public Shape inputShape(int seqLength, int batch) {
        return Shape.of(seqLength, batch, inputSize);
    }

    public Shape outputShape(int seqLength, int batch) {
        return Shape.of(seqLength, batch, outputSize());
    }

    /** The canonical parameters in PyTorch's state_dict order: per layer, per direction, w_ih, w_hh, b_ih, b_hh. */
    public List<RnnParam> parameters() {
        int gh = gates() * hiddenSize;
        List<RnnParam> list = new ArrayList<>();
        for (int layer = 0; layer < numLayers; layer++) {
            for (int dir = 0; dir < directions(); dir++) {
                for (RnnParam.Kind kind : RnnParam.Kind.values()) {
                    Shape shape = switch (kind) {
                        case WEIGHT_IH -> Shape.of(gh, layerInputSize(layer));
                        case WEIGHT_HH -> Shape.of(gh, hiddenSize);
                        case BIAS_IH, BIAS_HH -> Shape.of(gh);
                    };
                    list.add(new RnnParam(RnnParam.nameOf(kind, layer, dir), kind, layer, dir, shape));
                }
            }
        }
        return List.copyOf(list);
    }

    public RnnParam parameter(String name) {
        for (RnnParam p : parameters()) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("parameter '" + name + "' is not part of " + this
                + "; expected one of " + parameters().stream().map(RnnParam::name).toList());
    }

    /** Total number of trainable scalars. */
    public long parameterCount() {
        return parameters().stream().mapToLong(p -> p.shape().numel()).sum();
    }

    /** Training FLOPs of one step (forward + backward data + backward weights): 6*B*T*G*H*(I+H) per layer and direction. */
    public double trainingFlops(int seqLength, int batch) {
        double total = 0;
        for (int layer = 0; layer < numLayers; layer++) {
            total += 6.0 * batch * seqLength * gates() * hiddenSize * (layerInputSize(layer) + hiddenSize) * directions();
        }
        return total;
    }

    @Override
    public String toString() {
        return cell + "(input=" + inputSize + ", hidden=" + hiddenSize + ", layers=" + numLayers
                + (bidirectional ? ", bidirectional" : "") + ", " + dtype + ")";
    }
}
