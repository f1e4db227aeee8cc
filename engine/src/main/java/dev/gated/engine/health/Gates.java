package dev.gated.engine.health;

import dev.gated.engine.rnn.CellType;
import java.util.List;

/** Gate names in PyTorch's (and cuDNN's) order, and which of them are tanh candidates rather than sigmoids. */
public final class Gates {
    private Gates() {
    }

    public static final List<String> LSTM = List.of("i", "f", "g", "o");
    public static final List<String> GRU = List.of("r", "z", "n");

    public static List<String> names(CellType cell) {
        return cell == CellType.LSTM ? LSTM : GRU;
    }

    /** LSTM g and GRU n go through tanh; every other gate through a sigmoid. */
    public static boolean isTanh(CellType cell, int gate) {
        return gate == 2; // LSTM i,f,g,o and GRU r,z,n both have the candidate at index 2
    }

    /** "l0" or "l0_reverse": a layer and direction, as in PyTorch's parameter names. */
    public static String layer(int layer, int direction) {
        return "l" + layer + (direction == 1 ? "_reverse" : "");
    }
}
