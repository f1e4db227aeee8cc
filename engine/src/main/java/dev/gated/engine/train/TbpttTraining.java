package dev.gated.engine.train;

import dev.gated.engine.config.TbpttConfig;
import dev.gated.engine.data.Dataset;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.model.SequenceModel;
import dev.gated.engine.model.StatefulStreams;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The training loop's side of {@code training.tbptt}: the training text's chunks ({@link TbpttBatches}), the state
 * carried between them ({@link StatefulStreams}), and that state in checkpoints.
 *
 * <p>One optimizer step is chunk {@code batchInEpoch} of the epoch: its first K1 - K2 steps advance the state in
 * inference mode, its last K2 steps are a training pass from that state (loss, gradients; the state entering the
 * pass is a constant, so gradients stop at the chunk's scored part). Chunk 0 starts from zeros: the state is reset
 * at every epoch's start. A checkpoint taken after chunk j holds the state after chunk j (as optimizer-state
 * tensors named {@value #PREFIX}{@code h.<k>}, {@code c.<k>}, which the optimizer ignores), so a run resumed there
 * continues the streams exactly where they stopped.
 */
final class TbpttTraining implements AutoCloseable {
    /** Prefix of the carried state among a checkpoint's optimizer tensors. */
    static final String PREFIX = "tbptt.";

    private final TbpttBatches chunks;
    private final StatefulStreams streams;

    TbpttTraining(SequenceModel model, Dataset train, int batchSize, TbpttConfig config) {
        this.chunks = new TbpttBatches(train, batchSize, config, "training");
        this.streams = new StatefulStreams(model, chunks.streams());
    }

    /** The training text's streams. */
    int streams() {
        return chunks.streams();
    }

    long stepsPerEpoch() {
        return chunks.chunks();
    }

    /** A step's scored batch and its loss. */
    record Pass(SequenceBatch batch, double loss) {
    }

    /** Chunk {@code chunk} of the epoch as optimizer step {@code step}: the gradients are left in the model. */
    Pass step(long chunk, long step) {
        if (chunk == 0) {
            streams.reset();
        }
        SequenceBatch advance = chunks.advance(chunk);
        if (advance != null) {
            streams.advance(advance);
        }
        SequenceBatch scored = chunks.scored(chunk);
        return new Pass(scored, streams.forwardBackward(scored, step));
    }

    /** The carried state, named for a checkpoint's optimizer tensors. */
    Map<String, HostTensor> state() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        streams.export().forEach((k, v) -> out.put(PREFIX + k, v));
        return out;
    }

    /** The carried state among a checkpoint's optimizer tensors (empty when it has none). */
    static Map<String, HostTensor> carried(Map<String, HostTensor> optimizerTensors) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        optimizerTensors.forEach((k, v) -> {
            if (k.startsWith(PREFIX)) {
                out.put(k.substring(PREFIX.length()), v);
            }
        });
        return out;
    }

    /** Restores the state of {@link #carried}; {@code source} names the checkpoint in errors. */
    void restore(Map<String, HostTensor> carried, String source) {
        streams.restore(carried, source);
    }

    @Override
    public void close() {
        streams.close();
    }
}
