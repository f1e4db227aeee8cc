package dev.gated.engine.rnn;

/** Backend-owned scratch and reserve space for one {@link RnnPlan} at fixed maximum sizes. */
public interface RnnWorkspace extends AutoCloseable {
    int maxSeqLength();

    int batchSize();

    @Override
    void close();
}
