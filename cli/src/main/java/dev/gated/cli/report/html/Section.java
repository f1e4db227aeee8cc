package dev.gated.cli.report.html;

/**
 * One section of the report: an anchor ({@code id}, also the table of contents' link), a heading and its markup
 * (built with {@link Html}).
 */
record Section(String id, String title, String html) {
    Section {
        if (!id.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("section id: expected lower-case letters, digits and '-', got '"
                    + id + "'");
        }
    }
}
