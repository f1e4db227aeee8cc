/**
 * Word-level text: {@link dev.gated.engine.data.words.WordTokenizer} cuts text into tokens,
 * {@link dev.gated.engine.data.words.WordVocabulary} gives them ids (special tokens {@code <pad>}=0,
 * {@code <unk>}=1, {@code <bos>}=2, {@code <eos>}=3) and encodes sentences, and
 * {@link dev.gated.engine.data.words.PretrainedEmbeddings} streams GloVe, fastText {@code .vec} and word2vec binary
 * files into an embedding matrix for that vocabulary. Bad files are a
 * {@link dev.gated.engine.data.timeseries.DataFormatException} naming file and line (or record and byte offset).
 */
package dev.gated.engine.data.words;
