package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A lint of both Dockerfiles, with no Docker needed: {@code Dockerfile.cuda} cannot be built here (its NVIDIA base
 * cannot be pulled), so this is what CI checks of it; {@code Dockerfile.cpu} is also built and run by
 * {@link ContainerJobTest}. The rules are the issue's: the base image is a build argument, the user is not root,
 * the entrypoint is the exec form of {@code gated} (so SIGTERM reaches java), the default command resumes, and
 * nothing installs build tools.
 */
class DockerfileLintTest {
    private static final Path DOCKER = (Files.isDirectory(Path.of("../docker")) ? Path.of("..") : Path.of("."))
            .resolve("docker");
    private static final Pattern BUILD_TOOLS = Pattern.compile(
            "\\b(maven|mvn|gradle|javac|jdk(?!-)|openjdk-\\d+-jdk\\S*|gcc|g\\+\\+|clang|make|build-essential|cmake|git"
                    + "|curl|wget)\\b");

    private record Instruction(int line, String keyword, String args) {
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

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.cpu", "Dockerfile.cuda"})
    void followsTheImageRules(String name) throws IOException {
        Path file = DOCKER.resolve(name);
        String text = Files.readString(file);
        List<Instruction> ins = parse(text);
        String where = file + ": ";

        // ARG BASE_IMAGE=default before the first FROM, and FROM uses it.
        int from = indexOf(ins, "FROM");
        assertTrue(from > 0, where + "no FROM, or nothing before it");
        boolean baseArg = ins.subList(0, from).stream()
                .anyMatch(i -> i.keyword().equals("ARG") && i.args().matches("BASE_IMAGE=\\S+"));
        assertTrue(baseArg, where + "expected ARG BASE_IMAGE=<default> before the first FROM");
        assertTrue(ins.get(from).args().startsWith("${BASE_IMAGE}"), where + "FROM must use ${BASE_IMAGE}");

        // A non-root USER, the last one wins.
        Map<String, String> args = new HashMap<>();
        ins.stream().filter(i -> i.keyword().equals("ARG") && i.args().contains("="))
                .forEach(i -> args.put(i.args().split("=", 2)[0], i.args().split("=", 2)[1]));
        Instruction user = ins.stream().filter(i -> i.keyword().equals("USER")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError(where + "no USER: the image would run as root"));
        String uid = expand(user.args(), args).split(":")[0];
        assertFalse(uid.equals("root") || uid.equals("0"), where + "line " + user.line() + ": USER is root");

        // Exec-form ENTRYPOINT ["gated"], and the default command resumes an interrupted run.
        Instruction entry = last(ins, "ENTRYPOINT");
        JsonNode e = new ObjectMapper().readTree(entry.args());
        assertTrue(e.isArray() && e.size() == 1 && e.get(0).asText().equals("gated"),
                where + "expected ENTRYPOINT [\"gated\"] (exec form, so java gets SIGTERM), found " + entry.args());
        JsonNode cmd = new ObjectMapper().readTree(last(ins, "CMD").args());
        assertTrue(cmd.isArray() && cmd.toString().contains("\"--resume=auto\""), where + "CMD: " + cmd);

        // No build tools, no trailing comments (a '#' after an instruction becomes part of it).
        for (Instruction i : ins) {
            if (i.keyword().equals("RUN")) {
                Matcher m = BUILD_TOOLS.matcher(i.args());
                assertFalse(m.find(), () -> where + "line " + i.line() + " installs or runs a build tool: " + m.group());
            }
            assertFalse(i.args().contains(" #"), where + "line " + i.line() + ": a comment after an instruction");
        }
        assertTrue(ins.stream().anyMatch(i -> i.keyword().equals("COPY") && i.args().endsWith("/opt/gated/gated.jar")),
                where + "the jar is copied to /opt/gated/gated.jar");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.cuda"})
    void theCudaBaseFollowsNvidiasTagConvention(String name) throws IOException {
        List<Instruction> ins = parse(Files.readString(DOCKER.resolve(name)));
        String base = ins.stream().filter(i -> i.args().startsWith("BASE_IMAGE=")).findFirst().orElseThrow().args();
        assertTrue(base.matches("BASE_IMAGE=nvidia/cuda:\\d+\\.\\d+\\.\\d+-cudnn-runtime-ubuntu\\d+\\.\\d+"), base);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gated"})
    void theEntrypointScriptExecsJava(String name) throws IOException {
        Path script = DOCKER.resolve(name);
        assertTrue(Files.isExecutable(script), script + " is executable");
        List<String> code = Files.readAllLines(script).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertEquals("exec java", code.get(0).substring(0, Math.min(9, code.get(0).length())),
                script + ": the first command must be 'exec java ...' so java is PID 1 and gets SIGTERM");
    }

    @org.junit.jupiter.api.Test
    void theParserSeesWhatItChecks() {
        List<Instruction> ins = parse("# c\nARG BASE_IMAGE=x\nFROM ${BASE_IMAGE}\nRUN a \\\n  && b\nUSER 0\n");
        assertEquals(List.of("ARG", "FROM", "RUN", "USER"), ins.stream().map(Instruction::keyword).toList());
        assertEquals("a && b", ins.get(2).args());
        assertEquals(5 - 1, ins.get(2).line());
        assertTrue(BUILD_TOOLS.matcher("apt-get install -y maven").find());
        assertTrue(BUILD_TOOLS.matcher("apt-get install -y openjdk-17-jdk-headless").find());
        assertFalse(BUILD_TOOLS.matcher("apt-get install -y openjdk-17-jre-headless fontconfig").find());
    }

    private static int indexOf(List<Instruction> ins, String keyword) {
        for (int i = 0; i < ins.size(); i++) {
            if (ins.get(i).keyword().equals(keyword)) {
                return i;
            }
        }
        return -1;
    }

    private static Instruction last(List<Instruction> ins, String keyword) {
        return ins.stream().filter(i -> i.keyword().equals(keyword)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no " + keyword));
    }

    private static String expand(String s, Map<String, String> args) {
        Matcher m = Pattern.compile("\\$\\{(\\w+)}").matcher(s);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(args.getOrDefault(m.group(1), m.group())));
        }
        return m.appendTail(b).toString();
    }
}
