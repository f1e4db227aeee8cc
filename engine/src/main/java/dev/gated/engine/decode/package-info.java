/**
 * Sequence decoding, independent of the model: a {@link dev.gated.engine.decode.StepScorer} gives next-token
 * log-probabilities for a batch of hypotheses, and {@link dev.gated.engine.decode.GreedyDecoder} or
 * {@link dev.gated.engine.decode.BeamSearch} turn those into output sequences.
 *
 * <p>Conventions shared by both decoders: decoding starts by feeding {@code bos}; the {@code eos} token ends a
 * hypothesis, is not part of {@link dev.gated.engine.decode.Hypothesis#tokens()}, but does count in its
 * {@link dev.gated.engine.decode.Hypothesis#length()} (as in fairseq and OpenNMT), so an immediately finished,
 * empty output has length 1; {@code maxLength} bounds the number of decoding steps, eos included.
 */
package dev.gated.engine.decode;
