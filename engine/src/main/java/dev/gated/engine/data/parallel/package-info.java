/**
 * Sentence pairs for translation ({@code data.kind: parallel}): {@link dev.gated.engine.data.parallel.EncodedPair}
 * (one pair as word ids), {@link dev.gated.engine.data.parallel.ParallelSplits} (the train, validation and test
 * pairs), {@link dev.gated.engine.data.parallel.PairBatch} (a padded, time-major batch of an encoder-decoder: the
 * source, the decoder's input {@code <bos> y} and its output {@code y <eos>}) and
 * {@link dev.gated.engine.data.parallel.PairBatches} (an epoch's batches, seeded, optionally bucketed by source
 * length). The file is read and encoded by {@code dev.gated.engine.train.TranslationData}.
 */
package dev.gated.engine.data.parallel;
