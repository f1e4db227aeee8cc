package dev.gated.cli.report.html;

import dev.gated.engine.train.RunFolder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A language model's page: the text it generated at the end of training (sample.txt) and its test figures. */
final class LanguageModelPage {
    private LanguageModelPage() {
    }

    static List<Section> sections(RunFiles run) {
        StringBuilder html = new StringBuilder();
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, Double> e : run.summary().entrySet()) {
            if (e.getKey().startsWith("test_")) {
                rows.add(List.of(e.getKey(), Html.num(e.getValue())));
            }
        }
        if (!rows.isEmpty()) {
            html.append(Html.table(List.of("test figure", "value"), rows));
        }
        html.append(run.text(RunFolder.SAMPLE).map(s -> Html.p("Text the trained model generated at the end of "
                + "training (" + RunFolder.SAMPLE + ", temperature 0.8; gated generate writes more):") + Html.pre(s))
                .orElse(Html.missing("No " + RunFolder.SAMPLE + " in the run folder: the run has not finished.")));
        return List.of(new Section("samples", "Generated text", html.toString()));
    }
}
