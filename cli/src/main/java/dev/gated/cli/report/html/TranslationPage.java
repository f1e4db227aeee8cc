package dev.gated.cli.report.html;

import dev.gated.cli.report.AttentionPlots;
import dev.gated.engine.data.timeseries.CsvParser;
import dev.gated.engine.train.RunFolder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A translation run's page: corpus BLEU and chrF of greedy and beam decoding against copying the source (from
 * summary.json), the first test sentences from translations.tsv, and the attention heat maps the run drew.
 */
final class TranslationPage {
    /** At most this many test sentences in the table. */
    static final int MAX_SENTENCES = 12;

    private TranslationPage() {
    }

    static List<Section> sections(RunFiles run) {
        return List.of(scores(run), samples(run));
    }

    static Section scores(RunFiles run) {
        Map<String, Double> s = run.summary();
        List<List<String>> rows = new ArrayList<>();
        for (String[] d : new String[][] {{"greedy", "greedy decoding"}, {"beam", "beam search"},
                {"copy_source", "copy the source (baseline)"}}) {
            if (s.containsKey("test_bleu_" + d[0]) || s.containsKey("test_chrf_" + d[0])) {
                rows.add(List.of(d[1], Html.num(s.get("test_bleu_" + d[0])), Html.num(s.get("test_chrf_" + d[0]))));
            }
        }
        if (rows.isEmpty()) {
            return new Section("translation-scores", "Translation scores", Html.missing("No test_bleu_* or "
                    + "test_chrf_* figures in " + RunFolder.SUMMARY + ": the run has not finished."));
        }
        return new Section("translation-scores", "Translation scores", Html.p("Corpus BLEU and chrF on the test "
                + "split (0 to 100, higher is better), from " + RunFolder.SUMMARY + ".")
                + Html.table(List.of("decoding", "BLEU", "chrF"), rows));
    }

    static Section samples(RunFiles run) {
        StringBuilder html = new StringBuilder();
        if (!run.has(RunFolder.TRANSLATIONS)) {
            html.append(Html.missing("No " + RunFolder.TRANSLATIONS + " in the run folder: the run has not "
                    + "finished."));
        } else {
            CsvParser.Table t = run.table(RunFolder.TRANSLATIONS).orElseThrow();
            List<List<String>> rows = new ArrayList<>();
            for (CsvParser.Record r : t.rows().subList(0, Math.min(MAX_SENTENCES, t.rows().size()))) {
                rows.add(r.fields());
            }
            html.append(Html.p("The first " + rows.size() + " of " + t.rows().size() + " test sentences from "
                    + RunFolder.TRANSLATIONS + " (line: the line of the data file).")).append(Html.table(t.header(),
                    rows));
        }
        List<String> drawn = new ArrayList<>();
        for (int i = 1; run.has(AttentionPlots.fileName(i)); i++) {
            drawn.add(AttentionPlots.fileName(i));
        }
        if (!drawn.isEmpty()) {
            html.append(Html.h3("Attention"));
            for (String f : drawn) {
                html.append(Html.png(run.bytes(f).orElseThrow(), "attention weights (" + f + ")"));
            }
        } else if (run.has(RunFolder.ATTENTION)) {
            html.append(Html.missing(RunFolder.ATTENTION + " is there but no attention-N.png: the run was trained "
                    + "with output.plots: false."));
        }
        return new Section("translation-samples", "Translation samples", html.toString());
    }
}
