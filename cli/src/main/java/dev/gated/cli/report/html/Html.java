package dev.gated.cli.report.html;

import dev.gated.cli.report.Plots;
import java.awt.image.BufferedImage;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The few HTML pieces the report is made of. Every text that comes from a run (file contents, names, messages) goes
 * through {@link #text}; the methods that take {@code html} take markup built by these methods.
 */
final class Html {
    private Html() {
    }

    /** Text safe inside an element or a double-quoted attribute. */
    static String text(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    static String p(String text) {
        return "<p>" + text(text) + "</p>\n";
    }

    /** A paragraph saying what is missing and why the part is empty: a report of a partial run still opens. */
    static String missing(String text) {
        return "<p class=\"missing\">" + text(text) + "</p>\n";
    }

    static String pre(String text) {
        return "<pre>" + text(text) + "</pre>\n";
    }

    static String h3(String text) {
        return "<h3>" + text(text) + "</h3>\n";
    }

    static String list(List<String> items) {
        StringBuilder sb = new StringBuilder("<ul>\n");
        items.forEach(i -> sb.append("<li>").append(text(i)).append("</li>\n"));
        return sb.append("</ul>\n").toString();
    }

    /** A table of text cells; the first row is the header. Numeric-looking cells are right-aligned. */
    static String table(List<String> header, List<List<String>> rows) {
        StringBuilder sb = new StringBuilder("<table>\n<thead><tr>");
        header.forEach(h -> sb.append("<th>").append(text(h)).append("</th>"));
        sb.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : rows) {
            sb.append("<tr>");
            for (String cell : row) {
                sb.append(numeric(cell) ? "<td class=\"num\">" : "<td>").append(text(cell)).append("</td>");
            }
            sb.append("</tr>\n");
        }
        return sb.append("</tbody>\n</table>\n").toString();
    }

    /** An image inlined as a PNG data: URI, so the page needs no other file. */
    static String image(BufferedImage image, String alt) {
        return png(Plots.pngBytes(image), alt);
    }

    /** PNG bytes inlined as a data: URI. */
    static String png(byte[] png, String alt) {
        return "<figure><img alt=\"" + text(alt) + "\" src=\"data:image/png;base64,"
                + Base64.getEncoder().encodeToString(png) + "\"><figcaption>" + text(alt) + "</figcaption></figure>\n";
    }

    /** A number for a table: 4 significant digits, plain for integers, "n/a" for NaN or null. */
    static String num(Double v) {
        if (v == null || v.isNaN()) {
            return "n/a";
        }
        if (v.isInfinite()) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString(v.longValue());
        }
        String s = String.format(Locale.ROOT, "%.4g", v);
        // 2.500 -> 2.5, 0.7000 -> 0.7; 1.200e-05 -> 1.2e-05
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e);
        if (mantissa.contains(".")) {
            mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return e < 0 ? mantissa : mantissa + s.substring(e);
    }

    private static boolean numeric(String s) {
        return s != null && !s.isEmpty() && (s.equals("n/a") || s.matches("[-+]?[0-9.]+(e[-+]?[0-9]+)?%?"));
    }
}
