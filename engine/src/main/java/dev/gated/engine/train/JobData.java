package dev.gated.engine.train;

import dev.gated.engine.config.DataConfig;
import dev.gated.engine.config.JobConfig;
import dev.gated.engine.config.Split;
import dev.gated.engine.config.TaskKind;
import dev.gated.engine.data.Dataset;
import dev.gated.engine.data.Permutations;
import dev.gated.engine.data.arrays.NpyArrays;
import dev.gated.engine.data.sequences.LabeledSequences;
import dev.gated.engine.data.text.CharCorpus;
import dev.gated.engine.data.text.CharVocabulary;
import dev.gated.engine.config.ForecastConfig;
import dev.gated.engine.data.timeseries.CalendarFeature;
import dev.gated.engine.data.timeseries.CsvParser;
import dev.gated.engine.data.timeseries.DataFormatException;
import dev.gated.engine.data.timeseries.Frequency;
import dev.gated.engine.data.timeseries.Panel;
import dev.gated.engine.data.timeseries.PanelColumns;
import dev.gated.engine.data.timeseries.PanelCsv;
import dev.gated.engine.forecast.ForecastData;
import dev.gated.engine.forecast.ForecastLayout;
import dev.gated.engine.forecast.SeriesRange;
import dev.gated.engine.model.HeadLoss;
import dev.gated.engine.model.Objective;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A job's data, read and split as its {@code data} section says, with the preprocessing fitted on the training
 * split only: the three datasets the training loop and the evaluation read, and what the run saves with the model.
 *
 * <p>Splits: {@code csv} (every series on its own) and {@code text} are split in time order (no shuffling, so
 * nothing of the future leaks into training); {@code sequences} and {@code npy} examples are independent and are
 * assigned to train / validation / test by a permutation seeded with {@code training.seed}, so a file sorted by
 * class still gives a fair split ({@code words} too, {@link WordData}). A backtest fold gives its own rows per series instead ({@link RowPlan}).
 */
public final class JobData {
    private final TaskKind task;
    private final Dataset train;
    private final Dataset validation;
    private final Dataset test;
    private final Preprocessing preprocessing;
    private final List<String> warnings;
    /** Forecasting only: the panel, its windows and what was fitted. */
    private final ForecastData forecast;
    /** Classification from sequences: the ids of the test sequences, in dataset order. */
    private final List<String> testIds;
    /** Words with pre-trained vectors: the embedding matrix to write after the model's initialisation. */
    private final double[] pretrained;

    private JobData(TaskKind task, Dataset train, Dataset validation, Dataset test, Preprocessing preprocessing,
                    List<String> warnings, ForecastData forecast, List<String> testIds) {
        this(task, train, validation, test, preprocessing, warnings, forecast, testIds, null);
    }

    /** @param pretrained words: the pre-trained embedding matrix [V, E] row-major, or null */
    JobData(TaskKind task, Dataset train, Dataset validation, Dataset test, Preprocessing preprocessing,
            List<String> warnings, ForecastData forecast, List<String> testIds, double[] pretrained) {
        this.task = task;
        this.train = train;
        this.validation = validation == null || validation.size() == 0 ? null : validation;
        this.test = test == null || test.size() == 0 ? null : test;
        this.preprocessing = preprocessing;
        this.warnings = List.copyOf(warnings);
        this.forecast = forecast;
        this.testIds = testIds;
        this.pretrained = pretrained;
    }

    /**
     * Reads the data of {@code config}; relative data paths are resolved against {@code baseDir} (the job file's
     * folder).
     *
     * @throws DataFormatException for any problem with the data (file, line and column, or tensor and shape)
     */
    public static JobData load(JobConfig config, Path baseDir) {
        return load(config, baseDir, null);
    }

    /**
     * Which rows of each series of a forecasting panel train, validate and test; null: the job's
     * {@code data.split} fractions.
     */
    public interface RowPlan {
        List<SeriesRange> ranges(Panel panel);
    }

    /** As {@link #load(JobConfig, Path)}, a forecasting job's rows chosen by {@code rows} (null: data.split). */
    public static JobData load(JobConfig config, Path baseDir, RowPlan rows) {
        return load(config, baseDir, rows, null);
    }

    /** As {@link #load(JobConfig, Path, RowPlan)}; {@code saved}: a trained run's preprocessing (words reuse it). */
    static JobData load(JobConfig config, Path baseDir, RowPlan rows, Preprocessing saved) {
        DataConfig d = config.data();
        Path path = baseDir.resolve(d.path());
        TaskKind task = config.task().kind();
        long seed = config.training().seed();
        return switch (d.kind()) {
            case CSV -> forecast(d, config.forecast(), path, rows);
            case SEQUENCES -> sequences(d, path, seed);
            case NPY -> arrays(d, path, task == TaskKind.CLASSIFY, seed);
            case TEXT -> text(d, path);
            case WORDS -> WordData.load(config, path, saved);
            // Sentence pairs are no Dataset of single sequences: TranslationData reads them.
            case PARALLEL -> throw new IllegalArgumentException("data.kind parallel: read it with TranslationData.load");
        };
    }

    /** The columns of a forecasting job: targets, observed inputs (default: the targets), known columns. */
    static PanelColumns columns(DataConfig d) {
        return new PanelColumns(d.targetColumns(), d.inputColumns().isEmpty() ? d.targetColumns() : d.inputColumns(),
                d.knownColumns());
    }

    /** How a forecasting job's file is read. */
    static PanelCsv.Layout csvLayout(DataConfig d) {
        return new PanelCsv.Layout(columns(d), d.idColumn(), d.dateColumn());
    }

    /** The window layout of a forecasting job. */
    static ForecastLayout layout(DataConfig d, ForecastConfig f) {
        double[] q = f.quantiles().stream().mapToDouble(Double::doubleValue).toArray();
        return new ForecastLayout(d.window(), d.horizon(), f.strategy(), f.difference(), f.scaling(), f.target(),
                columns(d), d.calendar(), q);
    }

    /** The season of a forecasting job: forecast.season, else the dates' frequency's, else 1. */
    static int season(ForecastConfig f, Panel panel) {
        return f.season().orElseGet(() -> panel.frequency().map(Frequency::season).orElse(1));
    }

    private static JobData forecast(DataConfig d, ForecastConfig f, Path path, RowPlan rows) {
        Panel panel = PanelCsv.read(path, csvLayout(d), d.nanPolicy(), false);
        List<String> warnings = new ArrayList<>();
        if (panel.droppedRows() > 0) {
            warnings.add(path + ": dropped " + panel.droppedRows() + " rows with missing values (nan_policy: drop); "
                    + "no window spans a dropped row");
        }
        if (panel.interpolatedCells() > 0) {
            warnings.add(path + ": interpolated " + panel.interpolatedCells() + " missing cells (nan_policy: "
                    + "interpolate)");
        }
        for (CalendarFeature c : d.calendar()) {
            if (panel.frequency().isPresent() && !c.meaningfulFor(panel.frequency().get())) {
                warnings.add("data.calendar: " + c.key() + " is constant for " + panel.frequency().get().describe()
                        + " dates; it adds nothing");
            }
        }
        int season = season(f, panel);
        List<SeriesRange> ranges = rows != null ? rows.ranges(panel)
                : ForecastData.split(panel, d.split().train(), d.split().validation());
        ForecastData fd = new ForecastData(panel, layout(d, f), ranges, season, f.movingAverage().orElse(d.window()),
                d.stride());
        warnings.addAll(fd.warnings());
        ForecastLayout l = fd.layout();
        Preprocessing pre = new Preprocessing(new double[0], new double[0], l.featureNames(), l.outputNames(),
                List.of(), List.of(), Optional.of(fd.record()));
        return new JobData(TaskKind.FORECAST, fd.part(0), fd.part(1), fd.part(2), pre, warnings, fd, null);
    }

    private static void warnIfEmpty(List<String> warnings, String part, double fraction, int count, String what) {
        if (fraction > 0 && count == 0) {
            warnings.add("the " + part + " split is too short for one example (" + what + "); it is skipped");
        }
    }

    private static JobData sequences(DataConfig d, Path path, long seed) {
        LabeledSequences all = LabeledSequences.read(path, d.sequenceColumn(), d.inputColumns(), d.labelColumn(),
                d.maxLength(), d.nanPolicy(), Optional.empty());
        List<String> warnings = new ArrayList<>();
        if (all.truncated() > 0) {
            warnings.add(all.truncated() + " sequences were longer than max_length " + d.maxLength().orElse(0)
                    + "; their last " + d.maxLength().orElse(0) + " steps were kept");
        }
        Parts<LabeledSequences> p = Parts.of(all.size(), d, seed, all::subset, LabeledSequences::featureMeanStd,
                LabeledSequences::standardized);
        Preprocessing pre = new Preprocessing(p.mean, p.std, d.inputColumns(), List.of(), all.classes(), List.of(),
                Optional.empty());
        return new JobData(TaskKind.CLASSIFY, p.train, p.val, p.test, pre, warnings, null, p.test.sequenceIds());
    }

    private static JobData arrays(DataConfig d, Path dir, boolean classification, long seed) {
        NpyArrays all = NpyArrays.read(dir, classification);
        Parts<NpyArrays> p = Parts.of(all.size(), d, seed, all::subset, NpyArrays::featureMeanStd,
                NpyArrays::standardized);
        List<String> inputs = names("x", all.inputSize());
        List<String> outputs = classification ? List.of() : names("y", all.outputSize());
        Preprocessing pre = new Preprocessing(p.mean, p.std, inputs, outputs,
                classification ? all.classes() : List.of(), List.of(), Optional.empty());
        return new JobData(classification ? TaskKind.CLASSIFY : TaskKind.REGRESSION, p.train, p.val, p.test, pre,
                List.of(), null, null);
    }

    /** The shuffled split of independent examples, standardized with the training part's statistics if asked. */
    private record Parts<D>(D train, D val, D test, double[] mean, double[] std) {
        interface Standardize<D> {
            D apply(D data, double[] mean, double[] std);
        }

        static <D> Parts<D> of(int n, DataConfig d, long seed, java.util.function.Function<int[], D> subset,
                               java.util.function.Function<D, double[][]> meanStd, Standardize<D> standardize) {
            int[][] idx = shuffledSplit(n, d.split(), seed);
            D train = subset.apply(idx[0]);
            D val = subset.apply(idx[1]);
            D test = subset.apply(idx[2]);
            if (!d.standardize()) {
                return new Parts<>(train, val, test, new double[0], new double[0]);
            }
            double[][] ms = meanStd.apply(train);
            return new Parts<>(standardize.apply(train, ms[0], ms[1]), standardize.apply(val, ms[0], ms[1]),
                    standardize.apply(test, ms[0], ms[1]), ms[0], ms[1]);
        }
    }

    private static List<String> names(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    private static JobData text(DataConfig d, Path path) {
        String text = CsvParser.readUtf8(path, "a UTF-8 text file", true);
        int n = text.codePointCount(0, text.length());
        SeriesRange split = SeriesRange.ofFractions(n, d.split().train(), d.split().validation());
        int trainEnd = split.trainEnd();
        int valEnd = split.validationEnd();
        int cut1 = text.offsetByCodePoints(0, trainEnd);
        int cut2 = text.offsetByCodePoints(0, valEnd);
        String trainText = text.substring(0, cut1);
        CharVocabulary vocab = CharVocabulary.build(trainText);
        List<String> warnings = new ArrayList<>();
        // Characters seen only after the training part cannot be predicted: leave them out of evaluation text.
        String valText = known(text.substring(cut1, cut2), vocab, warnings, "validation");
        String testText = known(text.substring(cut2), vocab, warnings, "test");
        int w = d.window();
        int s = d.stride();
        if (trainEnd < w + 1) {
            throw new DataFormatException(path + ": the training part has " + trainEnd + " characters; expected at "
                    + "least window + 1 = " + (w + 1) + " (use a longer text or a smaller data.window)");
        }
        CharCorpus train = CharCorpus.of(vocab.encode(trainText, path.toString()), vocab.size(), w, s);
        CharCorpus val = corpus(valText, vocab, w, s, warnings, "validation", d.split().validation());
        CharCorpus test = corpus(testText, vocab, w, s, warnings, "test", d.split().test());
        Preprocessing pre = new Preprocessing(new double[0], new double[0], List.of(), List.of(), List.of(),
                vocab.symbols(), Optional.empty());
        return new JobData(TaskKind.LANGUAGE_MODEL, train, val, test, pre, warnings, null, null);
    }

    private static CharCorpus corpus(String text, CharVocabulary vocab, int window, int stride, List<String> warnings,
                                     String part, double fraction) {
        if (text.codePointCount(0, text.length()) < window + 1) {
            warnIfEmpty(warnings, part, fraction, 0, "window + 1 = " + (window + 1) + " characters");
            return null;
        }
        return CharCorpus.of(vocab.encode(text, part + " text"), vocab.size(), window, stride);
    }

    private static String known(String text, CharVocabulary vocab, List<String> warnings, String part) {
        StringBuilder sb = new StringBuilder(text.length());
        int dropped = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (vocab.index(cp) >= 0) {
                sb.appendCodePoint(cp);
            } else {
                dropped++;
            }
            i += Character.charCount(cp);
        }
        if (dropped > 0) {
            warnings.add("the " + part + " text has " + dropped + " characters that never occur in the training "
                    + "text; they are left out of its evaluation");
        }
        return sb.toString();
    }

    /** Indices of the train, validation and test parts, drawn by a seeded shuffle of {@code n} examples. */
    static int[][] shuffledSplit(int n, Split split, long seed) {
        int[] order = Permutations.random(n, new SplittableRandom(seed ^ 0x5eed5eedL));
        SeriesRange sizes = SeriesRange.ofFractions(n, split.train(), split.validation());
        int train = sizes.trainEnd();
        int val = sizes.validationEnd() - train;
        if (train == 0) {
            throw new DataFormatException("the data has " + n + " examples; the train fraction " + split.train()
                    + " leaves none for training");
        }
        // The shuffle decides which part an example goes to; within a part the file order is kept, so
        // `shuffle: false` trains in file order.
        int[][] parts = {java.util.Arrays.copyOfRange(order, 0, train),
                java.util.Arrays.copyOfRange(order, train, train + val),
                java.util.Arrays.copyOfRange(order, train + val, n)};
        for (int[] part : parts) {
            java.util.Arrays.sort(part);
        }
        return parts;
    }

    public TaskKind task() {
        return task;
    }

    /** The loss the model is trained with: the pinball loss for a quantile forecast, else the objective's. */
    public HeadLoss headLoss() {
        if (forecast != null && forecast.layout().quantiles().length > 0) {
            return new HeadLoss.Quantile(forecast.layout().outputLevels());
        }
        return HeadLoss.defaultFor(objective());
    }

    public Objective objective() {
        return objective(task);
    }

    /** What the model is trained to do for a task: forecasting and regression are both regression. */
    static Objective objective(TaskKind task) {
        return switch (task) {
            case FORECAST, REGRESSION -> Objective.REGRESSION;
            case CLASSIFY -> Objective.CLASSIFICATION;
            case LANGUAGE_MODEL -> Objective.LANGUAGE_MODEL;
            case TRANSLATE -> throw new IllegalArgumentException("task translate: an encoder-decoder, not one "
                    + "sequence model with an objective");
        };
    }

    public Dataset train() {
        return train;
    }

    /** The validation split, if it has at least one example. */
    public Optional<Dataset> validation() {
        return Optional.ofNullable(validation);
    }

    /** The test split, if it has at least one example. */
    public Optional<Dataset> test() {
        return Optional.ofNullable(test);
    }

    public int inputSize() {
        return train.inputSize();
    }

    public int outputSize() {
        return train.outputSize();
    }

    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /** Things the user should know about the data (dropped rows, empty splits, ...). */
    public List<String> warnings() {
        return warnings;
    }

    /** Forecasting: the panel, its windows and what was fitted on the training rows. */
    public Optional<ForecastData> forecast() {
        return Optional.ofNullable(forecast);
    }

    /** Words with {@code model.embedding.pretrained}: the embedding matrix [V, E] row-major (a copy). */
    public Optional<double[]> pretrainedEmbedding() {
        return Optional.ofNullable(pretrained).map(double[]::clone);
    }

    /** Classification from a sequences CSV: the test sequences' ids. */
    public Optional<List<String>> testIds() {
        return Optional.ofNullable(testIds);
    }
}
