package dev.gated.cli.report.html;

import java.util.List;

/**
 * The page skeleton: one HTML document with its style inline, a table of contents and the sections. A
 * Content-Security-Policy in the page forbids every fetch but inline styles and data: images, so a browser that
 * opens it offline shows the same page as one online, and a section that tried to load something would show it
 * broken rather than reach out.
 */
final class ReportPage {
    static final String CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

    private static final String STYLE = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;color:#222;\
            background:#fafafa;line-height:1.45}
            header{background:#263238;color:#fff;padding:14px 28px}
            header h1{margin:0;font-size:22px}header p{margin:4px 0 0;color:#cfd8dc}
            nav{padding:8px 28px;background:#eceff1;border-bottom:1px solid #cfd8dc;font-size:14px}
            nav a{margin-right:14px;color:#1565c0;text-decoration:none}
            main{padding:8px 28px 40px;max-width:1180px}
            section{background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:6px 20px 14px;margin:18px 0}
            h2{font-size:19px;border-bottom:1px solid #eee;padding-bottom:4px}h3{font-size:15px;margin-bottom:4px}
            pre{background:#f5f5f5;border:1px solid #e0e0e0;padding:10px;overflow:auto;font-size:12.5px;\
            max-height:480px;white-space:pre-wrap}
            table{border-collapse:collapse;font-size:13px;margin:6px 0}
            th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
            th{background:#f0f4f8}td.num{text-align:right;font-variant-numeric:tabular-nums}
            figure{margin:10px 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
            figcaption{font-size:12px;color:#666}
            .missing{color:#8d6e63;font-style:italic}
            .verdict{padding:8px 12px;border-radius:4px;font-weight:600}
            .good{background:#e8f5e9;border-left:5px solid #43a047}
            .bad{background:#ffebee;border-left:5px solid #e53935}
            .finding{border-left:4px solid #fb8c00;padding:2px 12px;margin:10px 0;background:#fff8e1}
            """;

    private ReportPage() {
    }

    static String render(String title, String subtitle, List<Section> sections) {
        StringBuilder sb = new StringBuilder(1 << 16);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(CSP).append("\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(Html.text(title)).append("</title>\n")
                .append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n")
                .append("<header><h1>").append(Html.text(title)).append("</h1><p>").append(Html.text(subtitle))
                .append("</p></header>\n<nav>");
        for (Section s : sections) {
            sb.append("<a href=\"#").append(s.id()).append("\">").append(Html.text(s.title())).append("</a>");
        }
        sb.append("</nav>\n<main>\n");
        for (Section s : sections) {
            sb.append("<section id=\"").append(s.id()).append("\">\n<h2>").append(Html.text(s.title()))
                    .append("</h2>\n").append(s.html()).append("</section>\n");
        }
        return sb.append("</main>\n</body>\n</html>\n").toString();
    }
}
