package dev.gated.bench;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An RNN benchmark shape: layers, input size, hidden size, sequence length, batch size. */
public record BenchShape(String name, int layers, int input, int hidden, int seq, int batch) {
    /** Issue 3's small shape. */
    public static final BenchShape S = new BenchShape("S", 1, 32, 128, 50, 32);
    /** Issue 3's medium shape. */
    public static final BenchShape M = new BenchShape("M", 2, 256, 512, 100, 64);

    private static final Pattern CUSTOM =
            Pattern.compile("L(\\d+)-I(\\d+)-H(\\d+)-T(\\d+)-B(\\d+)", Pattern.CASE_INSENSITIVE);

    public BenchShape {
        if (layers < 1 || input < 1 || hidden < 1 || seq < 1 || batch < 1) {
            throw new IllegalArgumentException("shape " + name + ": every size must be >= 1");
        }
    }

    /** "S", "M", or a custom shape written like {@code L1-I32-H128-T50-B32}. */
    public static BenchShape parse(String s) {
        String t = s.trim();
        if (t.equalsIgnoreCase("S")) {
            return S;
        }
        if (t.equalsIgnoreCase("M")) {
            return M;
        }
        Matcher m = CUSTOM.matcher(t);
        if (m.matches()) {
            return new BenchShape(t.toUpperCase(Locale.ROOT), Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)));
        }
        throw new IllegalArgumentException("shape: expected S, M or L<layers>-I<input>-H<hidden>-T<seq>-B<batch> "
                + "(e.g. L1-I32-H128-T50-B32), got '" + s + "'");
    }

    /** The sizes in the custom-shape notation, e.g. {@code L1-I32-H128-T50-B32}. */
    public String dims() {
        return "L" + layers + "-I" + input + "-H" + hidden + "-T" + seq + "-B" + batch;
    }
}
