package dev.gated.engine.data.words;

/** Where an embedding reader puts the vectors it streams, one record at a time. */
interface VectorSink {
    /** The file's dimension, once, before any vector. */
    void start(int dimension);

    /** Whether the vector of {@code word} is kept; if not, the reader need not parse it. */
    boolean wants(String word);

    /** The vector of the word of the last {@link #wants} that returned true; {@code vector} is reused after. */
    void accept(float[] vector);
}
