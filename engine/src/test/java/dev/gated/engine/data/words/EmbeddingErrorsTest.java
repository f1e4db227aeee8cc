package dev.gated.engine.data.words;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gated.engine.data.timeseries.DataFormatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingErrorsTest {
    private static final WordVocabulary VOCAB = EmbeddingFiles.vocabulary("the", "cat", "paris");

    @TempDir
    Path dir;

    private String fails(EmbeddingFormat format, int dim, Path f) {
        return assertThrows(DataFormatException.class, () -> PretrainedEmbeddings.load(f, format, VOCAB, dim, 1))
                .getMessage();
    }

    private String glove(String content, int dim) throws Exception {
        return fails(EmbeddingFormat.GLOVE, dim, EmbeddingFiles.text(dir, "g.txt", content));
    }

    private String vec(String content, int dim) throws Exception {
        return fails(EmbeddingFormat.VEC, dim, EmbeddingFiles.text(dir, "f.vec", content));
    }

    private String bin(byte[] content, int dim) throws Exception {
        return fails(EmbeddingFormat.WORD2VEC, dim, EmbeddingFiles.bytes(dir, "w.bin", content));
    }

    private Path p(String name) {
        return dir.resolve(name);
    }

    private static byte[] twoRecords() {
        return EmbeddingFiles.word2vec(EmbeddingFiles.vectors("the", new float[] {1, 2, 3}, "cat",
                new float[] {4, 5, 6}), 3, true);
    }

    @Test
    void dimensionOtherThanExpectedSaysBoth() throws Exception {
        assertEquals(p("g.txt") + ":1: expected vectors of dimension 5 (the expected dimension), found 3 values "
                + "after the word 'the'", glove("the 1 2 3\n", 5));
        assertEquals(p("f.vec") + ":1: expected vectors of dimension 5 (the expected dimension), found dimension 3 "
                + "in the header '1 3'", vec("1 3\nthe 1 2 3\n", 5));
        assertEquals(p("w.bin") + ": header (byte offset 0): expected vectors of dimension 5 (the expected "
                + "dimension), found dimension 3 in the header '2 3'", bin(twoRecords(), 5));
    }

    @Test
    void lineWithTheWrongNumberOfValues() throws Exception {
        assertEquals(p("g.txt") + ":3: expected the word and 3 values (as on the first line), found 2 values after "
                + "the word 'paris'", glove("the 1 2 3\ncat 1 2 3\nparis 1 2\n", 3));
        // Checked for words outside the vocabulary too.
        assertEquals(p("g.txt") + ":2: expected the word and 3 values (as on the first line), found 4 values after "
                + "the word 'dog'", glove("the 1 2 3\ndog 1 2 3 4\n", 3));
        assertEquals(p("f.vec") + ":2: expected the word and 2 values (the dimension in the header), found 1 value "
                + "after the word 'the'", vec("1 2\nthe 1\n", 2));
        assertEquals(p("g.txt") + ":1: expected a word and its vector values, found only 'the'", glove("the\n", 0));
    }

    @Test
    void valueThatIsNotANumberNamesItsColumn() throws Exception {
        assertEquals(p("g.txt") + ":2: column 3 (value 2 of 3 of the word 'cat'): expected a number, found 'x'",
                glove("the 1 2 3\ncat 1 x 3\n", 3));
        assertEquals(p("f.vec") + ":3: column 4 (value 3 of 3 of the word 'paris'): expected a finite number, "
                + "found 'NaN'", vec("2 3\nthe 1 2 3\nparis 1 2 NaN\n", 3));
    }

    @Test
    void headerThatDoesNotParse() throws Exception {
        assertEquals(p("f.vec") + ":1: expected a header line 'count dim' (two whole numbers, dim >= 1) as .vec "
                + "files start with, found 'the 1 2 3'; for a file without header use format glove",
                vec("the 1 2 3\n", 0));
        assertEquals(p("f.vec") + ":1: expected a header line 'count dim' (two whole numbers, dim >= 1) as .vec "
                + "files start with, found '3 0'; for a file without header use format glove", vec("3 0\n", 0));
        assertEquals(p("g.txt") + ":1: expected a word and its vector values, found '2 3', which looks like the "
                + "'count dim' header of a .vec file; use format vec", glove("2 3\nthe 1 2 3\n", 0));
        assertEquals(p("w.bin") + ": header (byte offset 0): expected a first line 'count dim' (two whole numbers, "
                + "dim >= 1) as word2vec binary files start with, found 'the\\x01\\x02'",
                bin(new byte[] {'t', 'h', 'e', 1, 2, '\n'}, 0));
        byte[] noEol = new byte[100];
        Arrays.fill(noEol, (byte) '1');
        assertEquals(p("w.bin") + ": header (byte offset 0): expected a first line 'count dim' (two whole numbers, "
                + "dim >= 1) as word2vec binary files start with, found '" + "1".repeat(40) + "...' without an end "
                + "of line", bin(noEol, 0));
    }

    @Test
    void vecHeaderCountMustMatch() throws Exception {
        assertEquals(p("f.vec") + ":3: expected 3 word vectors as the header says, found 2 (is the file "
                + "truncated?)", vec("3 1\nthe 1\ncat 2\n", 1));
        assertEquals(p("f.vec") + ": expected at least one word vector, found none (the header says 0)",
                vec("0 5\n", 0));
    }

    @Test
    void truncatedWord2vec() throws Exception {
        byte[] full = twoRecords(); // header "2 3\n" 4 bytes; record 1 "the " + 12 + "\n" = 17 bytes
        assertEquals(p("w.bin") + ": record 2 (byte offset 21): expected 12 bytes (3 float32) of the vector of "
                + "'cat', found only 5 before the end of the file (is the file truncated?)",
                bin(Arrays.copyOf(full, full.length - 8), 3));
        assertEquals(p("w.bin") + ": record 2 (byte offset 21): expected a word ending in a space, found the end of "
                + "the file after 2 bytes (is the file truncated?)", bin(Arrays.copyOf(full, 23), 3));
        byte[] three = full.clone();
        three[0] = '3';
        assertEquals(p("w.bin") + ": record 3 (byte offset 38): expected 3 records as the header says, found only 2 "
                + "before the end of the file (is the file truncated?)", bin(three, 3));
    }

    @Test
    void word2vecWithoutSpacesOrWithText() throws Exception {
        byte[] noSpace = new byte[5000];
        Arrays.fill(noSpace, (byte) 'a');
        System.arraycopy("1 3\n".getBytes(StandardCharsets.US_ASCII), 0, noSpace, 0, 4);
        assertEquals(p("w.bin") + ": record 1 (byte offset 4): expected a word ending in a space within 4096 bytes, "
                + "found none; is this a word2vec binary file?", bin(noSpace, 3));
        byte[] text = "2 3\nthe 0.1 0.2 0.3\ncat 1.0 2.0 3.0\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(p("w.bin") + ": record 1 (byte offset 4): expected 3 binary float32 after the word 'the', found "
                + "text; for a text file use format vec (with a 'count dim' header) or glove", bin(text, 3));
        byte[] nan = EmbeddingFiles.word2vec(EmbeddingFiles.vectors("the", new float[] {1, Float.NaN}), 2, true);
        assertEquals(p("w.bin") + ": record 1 (byte offset 4): value 2 of 2 of the word 'the': expected a finite "
                + "number, found NaN", bin(nan, 2));
    }

    @Test
    void emptyFiles() throws Exception {
        assertEquals(p("g.txt") + ": expected a GloVe text file with at least one word vector, found an empty file",
                glove("", 0));
        assertEquals(p("g.txt") + ": expected a GloVe text file with at least one word vector, found no vectors",
                glove("\n  \n", 0));
        assertEquals(p("f.vec") + ": expected a fastText .vec file with at least one word vector, found an empty "
                + "file", vec("", 0));
        assertEquals(p("w.bin") + ": expected a word2vec binary file, found an empty file", bin(new byte[0], 0));
    }

    @Test
    void fileThatDoesNotExist() {
        assertEquals(p("none.txt") + ": expected a GloVe text file, found no such file",
                fails(EmbeddingFormat.GLOVE, 0, p("none.txt")));
        assertEquals(p("none.vec") + ": expected a fastText .vec file, found no such file",
                fails(EmbeddingFormat.VEC, 0, p("none.vec")));
        assertEquals(p("none.bin") + ": expected a word2vec binary file, found no such file",
                fails(EmbeddingFormat.WORD2VEC, 0, p("none.bin")));
    }

    @Test
    void bytesThatAreNotUtf8() throws Exception {
        byte[] text = "the 1\nc\u00ffat 2\n".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(p("g.txt") + ":2: expected UTF-8 text, found byte 0xFF (byte 2 of the line) that is not UTF-8",
                fails(EmbeddingFormat.GLOVE, 1, EmbeddingFiles.bytes(dir, "g.txt", text)));
        byte[] bin = twoRecords();
        bin[5] = (byte) 0xC3; // "t\xC3e": a lead byte without its continuation
        assertEquals(p("w.bin") + ": record 1 (byte offset 4): expected the word in UTF-8, found byte 0xC3 at byte "
                + "offset 5 that is not UTF-8", bin(bin, 3));
    }

    @Test
    void byteOrderMarkIsIgnored() throws Exception {
        Path f = EmbeddingFiles.text(dir, "g.txt", "\uFEFFthe 1 2\n");
        assertEquals(1, PretrainedEmbeddings.load(f, EmbeddingFormat.GLOVE, VOCAB, 2, 1).coverage().exact());
    }
}
