package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gated.it.Dockerfiles.Instruction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A lint of both Dockerfiles, with no Docker needed: {@code Dockerfile.cuda} cannot be built here (its NVIDIA base
 * cannot be pulled), so this is what CI checks of it; {@code Dockerfile.cpu} is also built and run by
 * {@link ContainerJobTest}. The rules are the issue's: two stages, a {@code build} stage on {@code BUILD_IMAGE}
 * that runs Maven (the poms first, in a layer of their own) and the image on {@code BASE_IMAGE} that gets only the
 * jar from it and holds no build tools; the user is not root, the entrypoint is the exec form of {@code gated} (so
 * SIGTERM reaches java), the default command resumes.
 */
class DockerfileLintTest {
    private static final Path DOCKER = (Files.isDirectory(Path.of("../docker")) ? Path.of("..") : Path.of("."))
            .resolve("docker");
    private static final Pattern BUILD_TOOLS = Pattern.compile(
            "\\b(maven|mvn|gradle|javac|jdk(?!-)|openjdk-\\d+-jdk\\S*|gcc|g\\+\\+|clang|make|build-essential|cmake|git"
                    + "|curl|wget)\\b");

    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.cpu", "Dockerfile.cuda"})
    void followsTheImageRules(String name) throws IOException {
        Path file = DOCKER.resolve(name);
        List<Instruction> ins = parse(Files.readString(file));
        String where = file + ": ";

        // ARG BUILD_IMAGE=default and ARG BASE_IMAGE=default before the first FROM; the two stages use them.
        int from = indexOf(ins, i -> i.keyword().equals("FROM"));
        assertTrue(from > 0, where + "no FROM, or nothing before it");
        for (String arg : List.of("BUILD_IMAGE", "BASE_IMAGE")) {
            assertTrue(ins.subList(0, from).stream()
                            .anyMatch(i -> i.keyword().equals("ARG") && i.args().matches(arg + "=\\S+")),
                    where + "expected ARG " + arg + "=<default> before the first FROM");
        }
        List<List<Instruction>> stages = Dockerfiles.stages(ins);
        assertEquals(2, stages.size(), where + "two stages: build, then the image");
        List<Instruction> build = stages.get(0);
        List<Instruction> image = stages.get(1);
        assertTrue(build.get(0).args().matches("(?i)\\$\\{BUILD_IMAGE} AS build"),
                where + "expected FROM ${BUILD_IMAGE} AS build, found FROM " + build.get(0).args());
        assertEquals("${BASE_IMAGE}", image.get(0).args(), where + "the image's FROM");

        // A non-root USER in the image, the last one wins.
        Map<String, String> args = new HashMap<>();
        ins.stream().filter(i -> i.keyword().equals("ARG") && i.args().contains("="))
                .forEach(i -> args.put(i.args().split("=", 2)[0], i.args().split("=", 2)[1]));
        Instruction user = image.stream().filter(i -> i.keyword().equals("USER")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError(where + "no USER: the image would run as root"));
        String uid = expand(user.args(), args).split(":")[0];
        assertFalse(uid.equals("root") || uid.equals("0"), where + "line " + user.line() + ": USER is root");

        // Exec-form ENTRYPOINT ["gated"], and the default command resumes an interrupted run.
        Instruction entry = last(image, "ENTRYPOINT");
        JsonNode e = new ObjectMapper().readTree(entry.args());
        assertTrue(e.isArray() && e.size() == 1 && e.get(0).asText().equals("gated"),
                where + "expected ENTRYPOINT [\"gated\"] (exec form, so java gets SIGTERM), found " + entry.args());
        JsonNode cmd = new ObjectMapper().readTree(last(image, "CMD").args());
        assertTrue(cmd.isArray() && cmd.toString().contains("\"--resume=auto\""), where + "CMD: " + cmd);

        // The image: no build tools run or installed; from the context only the entrypoint script, the jar from
        // the build stage. No trailing comments anywhere (a '#' after an instruction becomes part of it).
        for (Instruction i : image) {
            if (i.keyword().equals("RUN")) {
                Matcher m = BUILD_TOOLS.matcher(i.args());
                assertFalse(m.find(), () -> where + "line " + i.line() + " installs or runs a build tool: " + m.group());
            }
        }
        assertEquals(List.of("docker/gated"), Dockerfiles.contextSources(image),
                where + "the image copies only the entrypoint script from the context (no sources, no jar)");
        assertTrue(image.stream().anyMatch(i -> i.keyword().equals("COPY")
                        && i.args().matches("--from=build\\s+/\\S+/cli/target/gated\\.jar\\s+/opt/gated/gated\\.jar")),
                where + "expected COPY --from=build <workdir>/cli/target/gated.jar /opt/gated/gated.jar");
        for (Instruction i : ins) {
            assertFalse(i.args().contains(" #"), where + "line " + i.line() + ": a comment after an instruction");
        }

        // The build stage: Maven builds the cli and the modules it needs, the poms first in a layer of their own.
        int firstMvn = indexOf(build, i -> i.keyword().equals("RUN") && i.args().startsWith("mvn "));
        assertTrue(firstMvn > 0, where + "the build stage runs mvn");
        String lastRun = last(build, "RUN").args();
        assertTrue(lastRun.matches("mvn .*\\bpackage -pl cli -am\\b.*"),
                where + "the build ends with mvn ... package -pl cli -am, found " + lastRun);
        List<String> beforeMvn = Dockerfiles.contextSources(build.subList(0, firstMvn));
        assertTrue(beforeMvn.stream().allMatch(s -> s.endsWith("pom.xml")),
                where + "only poms before the first mvn (the dependency layer), found " + beforeMvn);
        Matcher modules = MODULE.matcher(Files.readString(DOCKER.resolveSibling("pom.xml")));
        while (modules.find()) {
            String pom = modules.group(1) + "/pom.xml";
            assertTrue(beforeMvn.contains(pom), where + "Maven reads every module's pom: " + pom + " is not copied");
        }
        List<String> sources = Dockerfiles.contextSources(build);
        for (String module : List.of("engine", "cpu-fallback", "native-kernels", "cli")) {
            assertTrue(sources.contains(module + "/src"), where + "the cli's jar is built from " + module + "/src");
        }
        assertTrue(sources.stream().noneMatch(s -> s.contains("target")), where + "no build output is copied in");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.cpu", "Dockerfile.cuda"})
    void theDockerignoreLetsInWhatTheDockerfileCopies(String name) throws IOException {
        // Docker looks into a folder that `*` excluded only for an exception naming that folder, so each source
        // is listed as it is (a `!*/pom.xml` lets in only the poms of folders let in otherwise).
        List<String> rules = Files.readAllLines(DOCKER.resolveSibling(".dockerignore")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertEquals("*", rules.get(0), ".dockerignore starts with * (an allow list)");
        for (String source : Dockerfiles.contextSources(parse(Files.readString(DOCKER.resolve(name))))) {
            assertTrue(rules.contains("!" + source), ".dockerignore must let in " + source + " for " + name);
        }
        assertTrue(rules.contains("**/target*"), "build folders stay out of the context");
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
        List<Instruction> ins = parse("# c\nARG BASE_IMAGE=x\nFROM ${BASE_IMAGE}\nRUN a \\\n  && b\nUSER 0\n"
                + "FROM x AS y\nCOPY --chown=1:1 a b/ c/\nCOPY --from=z /d /e\n");
        assertEquals(List.of("ARG", "FROM", "RUN", "USER", "FROM", "COPY", "COPY"),
                ins.stream().map(Instruction::keyword).toList());
        assertEquals("a && b", ins.get(2).args());
        assertEquals(5 - 1, ins.get(2).line());
        assertEquals(List.of(3, 3), Dockerfiles.stages(ins).stream().map(List::size).toList());
        assertEquals(List.of("a", "b/"), Dockerfiles.contextSources(ins));
        assertTrue(BUILD_TOOLS.matcher("apt-get install -y maven").find());
        assertTrue(BUILD_TOOLS.matcher("apt-get install -y openjdk-17-jdk-headless").find());
        assertFalse(BUILD_TOOLS.matcher("apt-get install -y openjdk-17-jre-headless fontconfig").find());
    }

    private static List<Instruction> parse(String text) {
        return Dockerfiles.parse(text);
    }

    private static int indexOf(List<Instruction> ins, Predicate<Instruction> what) {
        for (int i = 0; i < ins.size(); i++) {
            if (what.test(ins.get(i))) {
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
