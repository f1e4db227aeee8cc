package dev.gated.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gated.cli.report.AttentionPlots;
import dev.gated.engine.backend.Backend;
import dev.gated.engine.config.TaskKind;
import dev.gated.engine.data.timeseries.DataFormatException;
import dev.gated.engine.io.AtomicFiles;
import dev.gated.engine.model.seq2seq.AttentionKind;
import dev.gated.engine.train.TrainedRun;
import dev.gated.engine.train.TranslationRun;
import dev.gated.engine.train.TranslationRun.Translation;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gated translate RUN "a sentence" …}: new sentences through a trained translation model. */
@Command(name = "translate", mixinStandardHelpOptions = true, versionProvider = Gated.Version.class,
        description = {"Translate sentences with a trained translation model (task translate): the sentences given "
                + "on the command line, or those of a file, one per line. Translations are written one per line "
                + "(the run's tokens joined with spaces, lower-cased and split at punctuation by default), in the "
                + "order of the input; an empty input line gives an empty line. Decoding uses beam search with the "
                + "job's translation.beam_width and length_penalty unless --beam and --length-penalty say "
                + "otherwise; source words the run never saw are read as <unk>, and a source longer than the job's "
                + "data.max_length is cut to it.", ""},
        footer = {"", "Examples:",
                "  gated translate runs/mt \"In the beginning God created the heaven.\"",
                "  gated translate runs/mt --file in.txt --output out.txt --beam 1",
                "  gated translate runs/mt --file in.txt --json > out.jsonl",
                "  gated translate runs/mt \"Let there be light.\" --attention plots/",
                "", "Exit codes: 0 done, 2 usage error (also: not a translation run), 3 a missing or unreadable "
                        + "--file or weights file."})
final class TranslateCommand implements Callable<Integer> {
    /** Sentences translated at a time; a longer input shows its progress on stderr after each such chunk. */
    static final int CHUNK = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    RunOptions runOptions;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "SENTENCE",
            description = "The sentences to translate (quote each one); or give --file.")
    List<String> sentences;

    @Option(names = "--file", paramLabel = "FILE",
            description = "Translate the lines of this UTF-8 text file, one sentence per line.")
    Path file;

    @Option(names = "--beam", paramLabel = "N",
            description = "Beam width; 1 for greedy decoding (default: the job's translation.beam_width).")
    Integer beam;

    @Option(names = "--length-penalty", paramLabel = "ALPHA",
            description = "Beam search's length penalty: hypotheses are ranked by log-probability over "
                    + "((5 + length) / 6)^ALPHA; 0 for none (default: the job's translation.length_penalty).")
    Double lengthPenalty;

    @Option(names = "--output", paramLabel = "FILE",
            description = "Write the translations (or the JSON lines) to this file instead of stdout.")
    Path output;

    @Option(names = "--overwrite", description = "Replace the --output file if it exists.")
    boolean overwrite;

    @Option(names = "--attention", paramLabel = "DIR",
            description = "Also draw each sentence's attention weights as a heat map (source tokens across, output "
                    + "tokens down) into DIR: attention-1.png for the first sentence, and so on (none for an empty "
                    + "line). Needs a model with attention.")
    Path attentionDir;

    @Option(names = "--json", description = "One JSON object per line and sentence instead of the bare translation: "
            + "source, source_tokens (as the model read them), translation, tokens (ending in <eos> when the "
            + "decoder finished), log_prob, finished (false when the translation reached "
            + "translation.max_output_length).")
    boolean json;

    @Override
    public Integer call() throws IOException {
        checkOptions();
        List<String> input = file != null ? readLines(file) : List.copyOf(sentences);
        TrainedRun run = runOptions.open();
        if (run.config().task().kind() != TaskKind.TRANSLATE) {
            throw new IllegalArgumentException(run.runDir() + " is a " + run.config().task().kind().name()
                    .toLowerCase(Locale.ROOT) + " run, not a translation run (task translate); use 'gated predict'"
                    + (run.config().task().kind() == TaskKind.LANGUAGE_MODEL ? " or 'gated generate'" : ""));
        }
        if (attentionDir != null && run.config().translation().orElseThrow().attention() == AttentionKind.NONE) {
            throw new IllegalArgumentException("--attention: " + run.runDir() + " has no attention to draw "
                    + "(translation.attention: none)");
        }
        TrainedRun.Weights weights = run.weights(runOptions.checkpoint);
        PrintWriter err = spec.commandLine().getErr();
        StringBuilder text = new StringBuilder();
        PrintWriter out = spec.commandLine().getOut();
        int plots = 0;
        try (Backend backend = runOptions.backend(run).backend();
             TranslationRun translator = TranslationRun.open(run, backend, weights, beam, lengthPenalty)) {
            for (int from = 0; from < input.size(); from += CHUNK) {
                List<String> chunk = input.subList(from, Math.min(input.size(), from + CHUNK));
                List<Translation> done = translate(translator, chunk, attentionDir != null);
                for (int i = 0; i < done.size(); i++) {
                    Translation t = done.get(i);
                    int index = from + i + 1;
                    String line = json ? json(t) : t.text();
                    if (output == null) {
                        out.println(line);
                    } else {
                        text.append(line).append('\n');
                    }
                    if (attentionDir != null && !t.outputTokens().isEmpty()) {
                        AttentionPlots.attention(t.sourceTokens(), t.outputTokens(), t.attention(),
                                file != null ? index : null, attentionDir.resolve(AttentionPlots.fileName(index)));
                        plots++;
                    }
                }
                out.flush();
                if (input.size() > CHUNK) {
                    err.printf(Locale.ROOT, "translated %,d/%,d sentences%n", from + chunk.size(), input.size());
                    err.flush();
                }
            }
        }
        if (output != null) {
            Path parent = output.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            AtomicFiles.write(output, text.toString().getBytes(StandardCharsets.UTF_8));
            out.printf(Locale.ROOT, "wrote %,d translations to %s (weights %s)%n", input.size(), output,
                    weights.file());
        }
        if (attentionDir != null) {
            (output != null ? out : err).printf(Locale.ROOT, "wrote %,d attention plots to %s%n", plots,
                    attentionDir);
        }
        return Gated.OK;
    }

    private void checkOptions() {
        boolean positional = sentences != null && !sentences.isEmpty();
        if (positional && file != null) {
            throw new ParameterException(spec.commandLine(), "give the sentences or --file, not both");
        }
        if (!positional && file == null) {
            throw new ParameterException(spec.commandLine(), "nothing to translate: give SENTENCE... or --file FILE");
        }
        if (beam != null && beam < 1) {
            throw new ParameterException(spec.commandLine(), "--beam: expected >= 1 (1: greedy), got " + beam);
        }
        if (lengthPenalty != null && !(lengthPenalty >= 0 && lengthPenalty < Double.POSITIVE_INFINITY)) {
            throw new ParameterException(spec.commandLine(), "--length-penalty: expected a finite number >= 0, got "
                    + lengthPenalty);
        }
        if (output != null && Files.exists(output) && !overwrite) {
            throw new IllegalStateException("--output " + output + " already exists; pass --overwrite to replace it");
        }
        if (attentionDir != null && Files.exists(attentionDir) && !Files.isDirectory(attentionDir)) {
            throw new IllegalArgumentException("--attention " + attentionDir + ": expected a folder, found a file");
        }
    }

    /** The model's translations; an empty (blank) sentence gets an empty translation without asking it. */
    private static List<Translation> translate(TranslationRun translator, List<String> chunk, boolean attention) {
        List<String> nonEmpty = new ArrayList<>();
        for (String s : chunk) {
            if (!s.isBlank()) {
                nonEmpty.add(s);
            }
        }
        List<Translation> done = nonEmpty.isEmpty() ? List.of() : translator.translate(nonEmpty, attention);
        List<Translation> out = new ArrayList<>(chunk.size());
        int k = 0;
        for (String s : chunk) {
            out.add(s.isBlank() ? new Translation(s, List.of(), "", List.of(), 0.0, true, new float[0][])
                    : done.get(k++));
        }
        return out;
    }

    /** The lines of a UTF-8 text file (a byte order mark dropped; {@code \r\n} line ends too). */
    static List<String> readLines(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new DataFormatException("--file " + file + ": expected a text file with one sentence per line, "
                    + "found a directory");
        }
        if (!Files.exists(file)) {
            throw new DataFormatException("--file " + file + ": expected a text file with one sentence per line, "
                    + "found no such file");
        }
        List<String> lines = new ArrayList<>();
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (lines.isEmpty() && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                lines.add(line);
            }
        } catch (CharacterCodingException e) {
            throw new DataFormatException("--file " + file + ": not UTF-8 text (after line " + lines.size() + ")", e);
        }
        return lines;
    }

    private static String json(Translation t) {
        ObjectNode o = JSON.createObjectNode();
        o.put("source", t.source());
        ArrayNode src = o.putArray("source_tokens");
        t.sourceTokens().forEach(src::add);
        o.put("translation", t.text());
        ArrayNode tokens = o.putArray("tokens");
        t.outputTokens().forEach(tokens::add);
        if (Double.isFinite(t.logProb())) {
            o.put("log_prob", t.logProb());
        } else {
            o.putNull("log_prob");
        }
        o.put("finished", t.finished());
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON line: " + e.getMessage(), e);
        }
    }
}
