package dev.gated.engine.metrics.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Compares with figures the real sacreBLEU 2.6.0 printed: sacrebleu_reference.json, written by
 * make_sacrebleu_reference.py (both beside this test's resources). Scores must agree to 1e-9 on the 0..100 scale.
 */
class SacreBleuReferenceTest {
    private static final double TOLERANCE = 1e-9;
    private static JsonNode fixture;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = SacreBleuReferenceTest.class.getResourceAsStream("sacrebleu_reference.json")) {
            fixture = new ObjectMapper().readTree(in);
        }
        assertEquals("2.6.0", fixture.get("sacrebleu_version").asText());
    }

    @Test
    void tokenizerMatches() {
        Tokenizer13a tok = new Tokenizer13a();
        int n = 0;
        for (JsonNode c : fixture.get("tokenizer_13a")) {
            String input = c.get("input").asText();
            assertEquals(c.get("output").asText(), tok.tokenize(input), "input " + input);
            n++;
        }
        assertTrue(n > 50, "tokenizer cases: " + n);
    }

    @Test
    void corpusBleuMatches() {
        for (JsonNode c : fixture.get("corpora")) {
            String name = c.get("name").asText();
            JsonNode want = c.get("bleu");
            BleuScore got = new Bleu().corpusScore(strings(c.get("hypotheses")), references(c.get("references")));
            assertEquals(want.get("score").asDouble(), got.score(), TOLERANCE, name);
            assertEquals(want.get("bp").asDouble(), got.bp(), TOLERANCE, name);
            assertEquals(want.get("ratio").asDouble(), got.ratio(), TOLERANCE, name);
            assertEquals(want.get("hyp_len").asLong(), got.hypLen(), name);
            assertEquals(want.get("ref_len").asLong(), got.refLen(), name);
            for (int n = 0; n < Bleu.MAX_NGRAM_ORDER; n++) {
                assertEquals(want.get("counts").get(n).asLong(), got.counts()[n], name + " counts " + n);
                assertEquals(want.get("totals").get(n).asLong(), got.totals()[n], name + " totals " + n);
                assertEquals(want.get("precisions").get(n).asDouble(), got.precisions()[n], TOLERANCE,
                        name + " precision " + n);
            }
            assertEquals(want.get("str").asText(), got.toString(), name);
        }
    }

    @Test
    void corpusChrFMatches() {
        for (JsonNode c : fixture.get("corpora")) {
            double got = new ChrF().corpusScore(strings(c.get("hypotheses")), references(c.get("references")));
            assertEquals(c.get("chrf").asDouble(), got, TOLERANCE, c.get("name").asText());
        }
    }

    @Test
    void sentenceScoresMatch() {
        Bleu bleu = new Bleu();
        ChrF chrf = new ChrF();
        for (JsonNode c : fixture.get("corpora")) {
            List<String> hyps = strings(c.get("hypotheses"));
            List<List<String>> refs = references(c.get("references"));
            for (int i = 0; i < hyps.size(); i++) {
                String where = c.get("name").asText() + " sentence " + i;
                assertEquals(c.get("sentence_bleu").get(i).asDouble(), bleu.sentenceScore(hyps.get(i), refs.get(i))
                        .score(), TOLERANCE, where);
                assertEquals(c.get("sentence_chrf").get(i).asDouble(), chrf.sentenceScore(hyps.get(i), refs.get(i)),
                        TOLERANCE, where);
            }
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(s -> out.add(s.isNull() ? null : s.asText()));
        return out;
    }

    private static List<List<String>> references(JsonNode perSentence) {
        List<List<String>> out = new ArrayList<>();
        perSentence.forEach(refs -> out.add(strings(refs)));
        return out;
    }
}
