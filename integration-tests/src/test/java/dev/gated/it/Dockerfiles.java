package dev.gated.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Dockerfile read as instructions and stages, for {@link DockerfileLintTest} (the rules) and
 * {@link ContainerJobTest} (its build context is exactly what the Dockerfile copies from the context).
 */
final class Dockerfiles {
    private Dockerfiles() {
    }

    record Instruction(int line, String keyword, String args) {
    }

    /** Instructions with continuation lines joined; comments and blank lines dropped. */
    static List<Instruction> parse(String text) {
        List<Instruction> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int first = i + 1;
            StringBuilder b = new StringBuilder();
            while (line.endsWith("\\") && i + 1 < lines.length) {
                b.append(line.substring(0, line.length() - 1).strip()).append(' ');
                line = lines[++i].strip();
            }
            b.append(line);
            String[] kv = b.toString().split("\\s+", 2);
            out.add(new Instruction(first, kv[0].toUpperCase(Locale.ROOT), kv.length > 1 ? kv[1] : ""));
        }
        return out;
    }

    /** The stages, each starting with its FROM (what comes before the first FROM is not in any). */
    static List<List<Instruction>> stages(List<Instruction> ins) {
        List<List<Instruction>> stages = new ArrayList<>();
        for (Instruction i : ins) {
            if (i.keyword().equals("FROM")) {
                stages.add(new ArrayList<>());
            }
            if (!stages.isEmpty()) {
                stages.get(stages.size() - 1).add(i);
            }
        }
        return stages;
    }

    /** Whether a COPY or ADD takes its files from the build context (not {@code --from} another stage or image). */
    static boolean copiesFromContext(Instruction i) {
        return (i.keyword().equals("COPY") || i.keyword().equals("ADD")) && !i.args().startsWith("--from=");
    }

    /** The context paths that COPY/ADD instructions read (their options dropped, the destination left out). */
    static List<String> contextSources(List<Instruction> ins) {
        List<String> sources = new ArrayList<>();
        for (Instruction i : ins) {
            if (copiesFromContext(i)) {
                List<String> words = new ArrayList<>(List.of(i.args().split("\\s+")));
                words.removeIf(w -> w.startsWith("--"));
                if (words.size() < 2) {
                    throw new IllegalArgumentException("line " + i.line() + ": " + i.keyword() + " without a source");
                }
                sources.addAll(words.subList(0, words.size() - 1));
            }
        }
        return sources;
    }
}
