package dev.gated.engine.rnn;

import java.util.Locale;

/** The recurrent cell. Gate order is PyTorch's and cuDNN's: LSTM i,f,g,o; GRU r,z,n. */
public enum CellType {
    LSTM(4), GRU(3);

    private final int gates;

    CellType(int gates) {
        this.gates = gates;
    }

    public int gates() {
        return gates;
    }

    public boolean hasCellState() {
        return this == LSTM;
    }

    public static CellType parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("cell: expected lstm or gru, got '" + s + "'");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
