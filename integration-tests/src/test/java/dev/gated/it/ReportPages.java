package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Checks of a run's report.html: parsed with jsoup, every section there with real content, and nothing that
 * points outside the page; and, where Debian's chromium is installed, a headless browser with the network off
 * that takes a screenshot of each section.
 */
final class ReportPages {
    private static final Pattern CSS_URL = Pattern.compile("url\\(\\s*['\"]?([^'\")]*)");

    private ReportPages() {
    }

    static Document parse(Path report) throws IOException {
        assertTrue(Files.isRegularFile(report), "missing " + report);
        return Jsoup.parse(Files.readString(report, StandardCharsets.UTF_8));
    }

    /** The section with that id: present, with a heading, and not a "could not be made" stand-in. */
    static Element section(Document d, String id) {
        Element s = d.getElementById(id);
        assertNotNull(s, () -> "no section #" + id + "; sections: " + d.select("section[id]").eachAttr("id"));
        assertEquals("section", s.tagName());
        assertNotNull(s.selectFirst("h2"), "#" + id + " has a heading");
        assertFalse(s.text().contains("could not be made"), () -> "#" + id + " failed: " + s.text());
        assertNotNull(d.selectFirst("nav a[href=#" + id + "]"), "the table of contents links #" + id);
        return s;
    }

    /** A section with real content: no "missing" note, and at least {@code images} inline PNGs that decode. */
    static Element full(Document d, String id, int images) throws IOException {
        Element s = section(d, id);
        assertTrue(s.select(".missing").isEmpty(), () -> "#" + id + " says something is missing: "
                + s.select(".missing").text());
        assertTrue(images(s).size() >= images, () -> "#" + id + ": expected at least " + images + " images");
        return s;
    }

    static List<BufferedImage> images(Element e) throws IOException {
        List<BufferedImage> out = new ArrayList<>();
        for (Element img : e.select("img")) {
            String src = img.attr("src");
            assertTrue(src.startsWith("data:image/png;base64,"), "inline PNG expected, found " + src.substring(0,
                    Math.min(60, src.length())));
            BufferedImage b = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(
                    src.substring(src.indexOf(',') + 1))));
            assertNotNull(b, "a data: URI that is not a PNG");
            assertTrue(b.getWidth() > 100 && b.getHeight() > 100, "a real chart: " + b.getWidth() + "x"
                    + b.getHeight());
            out.add(b);
        }
        return out;
    }

    /**
     * Nothing in the page points outside it: every src, href, srcset, poster, data, action and CSS url() is a data:
     * URI or a #fragment; no stylesheet link, no script, no frame, no base; the Content-Security-Policy forbids
     * fetches.
     */
    static void assertSelfContained(Document d) {
        for (Element e : d.getAllElements()) {
            for (String attr : List.of("src", "href", "srcset", "poster", "data", "action", "formaction",
                    "background", "xlink:href")) {
                if (e.hasAttr(attr)) {
                    String v = e.attr(attr).strip();
                    assertTrue(v.startsWith("data:") || v.startsWith("#"), () -> "<" + e.tagName() + " " + attr
                            + "=\"" + v + "\"> points outside the page");
                }
            }
            if (e.hasAttr("style")) {
                assertLocalUrls(e.attr("style"), "style attribute of <" + e.tagName() + ">");
            }
        }
        d.select("style").forEach(s -> assertLocalUrls(s.data(), "<style>"));
        assertTrue(d.select("link[rel~=(?i)stylesheet], link[href]").isEmpty(), "no <link> to a stylesheet");
        assertTrue(d.select("script").isEmpty(), "no <script>");
        assertTrue(d.select("iframe, frame, object, embed, base").isEmpty(), "no frames, objects or <base>");
        Element csp = d.selectFirst("meta[http-equiv=Content-Security-Policy]");
        assertNotNull(csp, "a Content-Security-Policy");
        assertTrue(csp.attr("content").startsWith("default-src 'none'"), csp::outerHtml);
        assertTrue(d.select("style").stream().noneMatch(s -> s.data().contains("@import")), "no @import");
    }

    private static void assertLocalUrls(String css, String where) {
        Matcher m = CSS_URL.matcher(css);
        while (m.find()) {
            String u = m.group(1).strip();
            assertTrue(u.startsWith("data:") || u.startsWith("#"), where + ": url(" + u + ") points outside the page");
        }
    }

    /** Debian's chromium (or GATED_CHROMIUM), if installed. */
    static Optional<Path> chromium() {
        String env = System.getenv("GATED_CHROMIUM");
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env)).filter(Files::isExecutable);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Screenshots of each section of {@code report}, one PNG per section in {@code outDir}: a copy of the page with
     * one extra inline style that shows only that section (a headless screenshot does not scroll to a #fragment),
     * opened by headless chromium with the network off (a proxy that does not exist, and no name resolving).
     */
    static List<Path> screenshots(Path chromium, Path report, List<String> ids, Path outDir, String prefix)
            throws IOException, InterruptedException {
        Files.createDirectories(outDir);
        String page = Files.readString(report, StandardCharsets.UTF_8);
        Path profile = Files.createTempDirectory("gated-chromium");
        List<Path> shots = new ArrayList<>();
        for (String id : ids) {
            String only = "<style>header,nav{display:none}section:not(#" + id + "){display:none}</style>\n</head>";
            Path html = outDir.resolve(prefix + "-" + id + ".html");
            Files.writeString(html, page.replaceFirst("</head>", only), StandardCharsets.UTF_8);
            Path png = outDir.resolve(prefix + "-" + id + ".png");
            Files.deleteIfExists(png);
            Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--hide-scrollbars", "--no-first-run", "--user-data-dir=" + profile,
                    "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
                    "--window-size=1200,1300", "--screenshot=" + png.toAbsolutePath(),
                    html.toUri().toString()).redirectErrorStream(true)
                    .redirectOutput(outDir.resolve(prefix + "-" + id + ".log").toFile()).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium took over 2 minutes on " + html);
            assertEquals(0, p.exitValue(), () -> "chromium failed on " + html + "; see its .log");
            BufferedImage img = ImageIO.read(png.toFile());
            assertNotNull(img, "no screenshot " + png);
            assertTrue(dark(img) > 0.002, () -> png + " is blank (no text or lines drawn)");
            shots.add(png);
        }
        return shots;
    }

    /** The fraction of dark pixels (text, lines), sampled: a page that did not render has none. */
    static double dark(BufferedImage img) {
        long n = 0;
        long dark = 0;
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                int rgb = img.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF;
                int g = (rgb >> 8) & 0xFF;
                int b = rgb & 0xFF;
                n++;
                if (r + g + b < 3 * 160) {
                    dark++;
                }
            }
        }
        return n == 0 ? 0 : (double) dark / n;
    }
}
