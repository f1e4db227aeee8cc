package dev.gated.cli.report.html;

import dev.gated.cli.report.Plots;
import dev.gated.engine.data.timeseries.CsvParser;
import dev.gated.engine.metrics.ClassificationMetrics;
import dev.gated.engine.train.Preprocessing;
import dev.gated.engine.train.RunFolder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * A classification run's page: the test split's confusion matrix and per-class precision, recall and F1, counted
 * by the engine's {@link ClassificationMetrics} from predictions.csv (one row per test example, actual and
 * predicted class), the classes in the order of preprocessing.json.
 */
final class ClassificationPage {
    private ClassificationPage() {
    }

    static List<Section> sections(RunFiles run) {
        String title = "Classification: confusion matrix and per-class metrics";
        if (!run.has(RunFolder.PREDICTIONS)) {
            return List.of(new Section("classification", title, RunFiles.noPredictions()));
        }
        CsvParser.Table t = run.table(RunFolder.PREDICTIONS).orElseThrow();
        int a = t.column("actual");
        int p = t.column("predicted");
        List<String> classes = classes(run, t, a, p);
        int[] actual = new int[t.rows().size()];
        int[] predicted = new int[actual.length];
        for (int i = 0; i < actual.length; i++) {
            CsvParser.Record r = t.rows().get(i);
            actual[i] = index(classes, r.fields().get(a), t, r, a);
            predicted[i] = index(classes, r.fields().get(p), t, r, p);
        }
        ClassificationMetrics m = ClassificationMetrics.accumulator(classes.size()).add(predicted, actual).result();
        long[][] confusion = m.confusion();
        List<List<String>> rows = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            long support = 0;
            for (long v : confusion[c]) {
                support += v;
            }
            rows.add(List.of(classes.get(c), Html.num(m.precision()[c]), Html.num(m.recall()[c]), Html.num(m.f1(c)),
                    Long.toString(support)));
        }
        String html = Html.p(String.format(Locale.ROOT, "The test split, %d examples (from %s): accuracy %s, "
                        + "macro F1 %s. Rows of the matrix are the actual classes, columns the predicted ones.",
                m.count(), RunFolder.PREDICTIONS, Html.num(m.accuracy()), Html.num(m.macroF1())))
                + Html.image(Plots.confusionMatrixImage(confusion, classes), "confusion matrix, test split")
                + Html.table(List.of("class", "precision", "recall", "F1", "support"), rows);
        return List.of(new Section("classification", title, html));
    }

    /** preprocessing.json's class names (the label order of the model), else the classes in order of appearance. */
    private static List<String> classes(RunFiles run, CsvParser.Table t, int a, int p) {
        if (run.has(RunFolder.PREPROCESSING)) {
            List<String> c = Preprocessing.fromJson(run.text(RunFolder.PREPROCESSING).orElseThrow(),
                    run.path(RunFolder.PREPROCESSING).toString()).classes();
            if (!c.isEmpty()) {
                return c;
            }
        }
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        t.rows().forEach(r -> {
            seen.add(r.fields().get(a));
            seen.add(r.fields().get(p));
        });
        return new ArrayList<>(seen);
    }

    private static int index(List<String> classes, String name, CsvParser.Table t, CsvParser.Record r, int col) {
        int i = classes.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException(t.where(r, col) + "expected one of the run's classes " + classes
                    + ", found '" + name + "'");
        }
        return i;
    }
}
