package dev.gated.engine.train;

import dev.gated.engine.config.TbpttConfig;
import dev.gated.engine.data.Dataset;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.data.text.CharCorpus;

/**
 * The chunks of truncated BPTT over one text: the text's n characters give n - 1 (input, next character) pairs,
 * cut into B contiguous streams of L = floor((n - 1) / B) pairs each (stream b reads the inputs
 * {@code ids[b*L .. (b+1)*L - 1]}; the last (n - 1) mod B pairs are left out). Chunk j covers the stream offsets
 * [j*K1, min((j+1)*K1, L)) of every stream at once, so there are ceil(L / K1) chunks, the last one shorter when
 * K1 does not divide L. Of a chunk's s steps the last min(K2, s) are scored (loss and gradient), the ones before
 * only advance the state. Chunk j+1 continues exactly where chunk j stopped, in every stream.
 */
final class TbpttBatches {
    private final CharCorpus text;
    private final int streams;
    private final int length;
    private final int forward;
    private final int backward;

    /**
     * @param part    the text of one split ({@link JobData}'s text datasets are {@link CharCorpus})
     * @param streams B: at most the batch size; fewer when the text is too short to give every stream a step
     * @param what    the split's name, for errors
     */
    TbpttBatches(Dataset part, int streams, TbpttConfig config, String what) {
        if (!(part instanceof CharCorpus c)) {
            throw new IllegalArgumentException("training.tbptt: needs the text of a character language model "
                    + "(data.kind text), got " + part);
        }
        if (streams < 1) {
            throw new IllegalArgumentException("streams: expected >= 1, got " + streams);
        }
        this.text = c;
        int pairs = c.textLength() - 1;
        if (pairs < 1) {
            throw new IllegalArgumentException("training.tbptt: the " + what + " text has " + c.textLength()
                    + " characters; a stream needs at least 2");
        }
        this.streams = Math.min(streams, pairs);
        this.length = pairs / this.streams;
        this.forward = config.forward();
        this.backward = config.backward();
    }

    /** Streams actually used: the requested count, or one per pair for a text shorter than that. */
    int streams() {
        return streams;
    }

    /** L: steps per stream. */
    int streamLength() {
        return length;
    }

    /** Chunks per pass over the text: one optimizer step each. */
    long chunks() {
        return (length + (long) forward - 1) / forward;
    }

    /** Chunks per epoch of the training text with {@code batchSize} streams (for the run's length). */
    static long chunks(Dataset train, int batchSize, TbpttConfig config) {
        return new TbpttBatches(train, batchSize, config, "training").chunks();
    }

    /** Steps of chunk {@code j}. */
    int steps(long j) {
        check(j);
        return (int) Math.min(forward, length - j * forward);
    }

    /** The steps of chunk j that only advance the state, or null when all are scored. */
    SequenceBatch advance(long j) {
        int s = steps(j);
        int scored = Math.min(backward, s);
        return s == scored ? null : span(j * forward, s - scored);
    }

    /** The scored steps of chunk j: its last min(K2, steps) steps. */
    SequenceBatch scored(long j) {
        int s = steps(j);
        int scored = Math.min(backward, s);
        return span(j * forward + s - scored, scored);
    }

    /** Every step of chunk j (evaluation scores them all). */
    SequenceBatch whole(long j) {
        return span(j * forward, steps(j));
    }

    private SequenceBatch span(long offset, int steps) {
        int[] starts = new int[streams];
        for (int b = 0; b < streams; b++) {
            starts[b] = (int) ((long) b * length + offset);
        }
        return text.span(starts, steps);
    }

    private void check(long j) {
        if (j < 0 || j >= chunks()) {
            throw new IllegalArgumentException("chunk: expected an index in [0, " + chunks() + "), got " + j);
        }
    }
}
