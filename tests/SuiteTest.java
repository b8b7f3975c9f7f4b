///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Tests of the suite around the scripts: the jbang bootstrap and run_all.sh (Report.java has its own, in ReportTest)
//JAVA 17+
//DEPS com.fasterxml.jackson.core:jackson-databind:2.22.4
//SOURCES Harness.java

/*
 * Run through ./test.sh, or alone: JBANG=./jbang ./jbang tests/SuiteTest.java [name-filter]
 * Prints PASS/FAIL/SKIP per test and ends with "N passed, N failed, N skipped".
 */

import java.nio.file.*;
import java.time.Duration;
import java.util.*;

public class SuiteTest extends Harness {

    static Result run(Path dir, Duration limit, String... cmd) throws Exception {
        return run(new ProcessBuilder(cmd).directory(dir.toFile()), limit);
    }

    /** The benchmark scripts at the top of the repository. */
    static final List<String> BENCHES;
    static {
        try (var scripts = Files.list(REPO)) {
            BENCHES = scripts.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("Bench.java")).map(n -> n.replace(".java", "")).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static void main(String[] args) throws Exception {
        filter = args.length > 0 ? args[0] : null;
        Path work = Files.createTempDirectory("suite-test");

        test("the jbang bootstrap runs a script and passes its exit code through", () -> {
            Path script = Files.writeString(work.resolve("Exit3.java"),
                    "///usr/bin/env jbang \"$0\" \"$@\" ; exit $?\n//JAVA 17+\n"
                    + "public class Exit3 { public static void main(String[] a) { System.out.println(\"args=\" + String.join(\",\", a)); System.exit(3); } }\n");
            Result r = run(work, Duration.ofMinutes(3), REPO.resolve("jbang").toString(), script.toString(), "a b", "c");
            check(r.code() == 3, "exit 3, was " + r.code() + ": " + r.err());
            check(r.out().strip().equals("args=a b,c"), "arguments arrive intact: " + r.out());
        });

        test("run_all.sh --quick runs every script and ends with the summary, written to summary.md", () -> {
            Path out = work.resolve("all");
            Result r = run(work, Duration.ofMinutes(10), REPO.resolve("run_all.sh").toString(), "--quick", "--out", out.toString());
            check(r.code() == 0, "exit 0, was " + r.code() + ": " + r.err());
            String summary = Files.readString(out.resolve("summary.md"));
            for (String bench : BENCHES) check(summary.contains("## " + bench), "summary has " + bench);
            for (String method : List.of("shm-spin", "shm-sem", "zmq-tcp", "zmq-ipc", "uds", "tcp", "pipe", "chronicle"))
                check(summary.lines().anyMatch(l -> l.startsWith("| " + method + " ")), "summary has TransportBench's " + method);
            for (String method : List.of("limit-memcpy", "queue", "shm-event", "shm-ring", "zmq-shm", "chronicle"))
                check(summary.lines().anyMatch(l -> l.startsWith("| " + method + " ")), "summary has ShmBench's " + method);
            String zmq = summary.substring(summary.indexOf("## ZmqBench"));
            zmq = zmq.contains("\n## ") ? zmq.substring(0, zmq.indexOf("\n## ")) : zmq;
            for (String pattern : List.of("push-pull", "pub-sub", "req-rep"))
                check(zmq.contains("### " + pattern + ","), "summary has ZmqBench's " + pattern + " table");
            for (String method : List.of("tcp", "ipc", "inproc"))
                check(zmq.lines().anyMatch(l -> l.startsWith("| " + method + " ")), "summary has ZmqBench's " + method);
            String arrow = summary.substring(summary.indexOf("## ArrowBench"));
            arrow = arrow.contains("\n## ") ? arrow.substring(0, arrow.indexOf("\n## ")) : arrow;
            for (String method : List.of("arrow-shm", "arrow-stream-uds", "arrow-stream-pipe", "arrow-file", "arrow-flight", "arrow-flight-get"))
                check(arrow.lines().anyMatch(l -> l.startsWith("| " + method + " ")), "summary has ArrowBench's " + method);
            String redis = summary.substring(summary.indexOf("## RedisBench"));
            redis = redis.contains("\n## ") ? redis.substring(0, redis.indexOf("\n## ")) : redis;
            for (String method : List.of("pubsub-p16", "list-p16", "stream-p16"))
                check(redis.lines().anyMatch(l -> l.startsWith("| " + method + " ")), "summary has RedisBench's " + method);
            String lmdb = summary.substring(summary.indexOf("## LmdbBench"));
            lmdb = lmdb.contains("\n## ") ? lmdb.substring(0, lmdb.indexOf("\n## ")) : lmdb;
            for (String pattern : List.of("snapshot", "point", "write-snapshot", "write-point"))
                check(lmdb.contains("### " + pattern + ","), "summary has LmdbBench's " + pattern + " table");
            for (String method : List.of("lmdb", "shm", "zmq"))
                check(lmdb.lines().anyMatch(l -> l.startsWith("| " + method + " ")), "summary has LmdbBench's " + method);
            check(!summary.contains("✗"), "every cell verified:\n" + summary);
            check(summary.contains("All scripts succeeded."), "no failure listed");
            check(r.out().contains(summary.strip().lines().findFirst().orElseThrow()), "summary printed on stdout");
            List<String> last = r.out().strip().lines().toList();
            String end = last.get(last.size() - 1);
            check(end.contains(out.resolve("summary.md").toString()) && end.contains(out.resolve("report.html").toString()), "the last line names summary.md and report.html: " + end);
            // One schema: every script appended to the same results.csv under one header, the documented columns.
            List<String> csv = Files.readAllLines(out.resolve("results.csv"));
            List<String> documented = Files.readAllLines(REPO.resolve("docs/results-schema.md")).stream()
                    .filter(l -> l.matches("^\\| `[a-z0-9_]+` \\|.*")).map(l -> l.substring(3, l.indexOf('`', 3))).toList();
            check(csv.get(0).equals(String.join(",", documented.subList(0, csv.get(0).split(",").length))) && csv.get(0).endsWith("run_id"),
                    "results.csv's header is the documented columns: " + csv.get(0));
            check(csv.stream().filter(l -> l.startsWith("timestamp,")).count() == 1, "one header in results.csv");
            for (String bench : BENCHES) check(csv.stream().anyMatch(l -> l.contains("," + bench + ",")), bench + "'s rows in results.csv");
            String html = Files.readString(out.resolve("report.html"));
            for (String bench : BENCHES)
                check(html.contains("<section id=\"" + bench + "\">") && html.contains("data-title=\"" + bench + " "), "report.html has " + bench + "'s section and plots");
        });

        test("run_all.sh --quick's report.html in headless Chromium: every plot drawn, nothing fetched from the network", () -> {
            Path html = work.resolve("all/report.html");
            if (!Files.exists(html)) throw new Skip("needs the run_all.sh --quick test's report (run without a filter)");
            checkReportInBrowser(html, Path.of(System.getProperty("java.io.tmpdir"), "ipcbench-report-run_all.png"));
        });

        test("run_all.sh keeps going after a failing script, lists it and exits non-zero", () -> {
            Path copy = Files.createDirectory(work.resolve("copy"));
            for (String f : List.of("run_all.sh", "Report.java", "jbang", "TransportBench.java"))
                Files.copy(REPO.resolve(f), copy.resolve(f), StandardCopyOption.COPY_ATTRIBUTES);
            Path boot = REPO.resolve(".jbang-bootstrap");
            if (Files.isDirectory(boot)) Files.createSymbolicLink(copy.resolve(".jbang-bootstrap"), boot);
            Files.writeString(copy.resolve("BrokenBench.java"), "///usr/bin/env jbang \"$0\" \"$@\" ; exit $?\n//JAVA 17+\n"
                    + "public class BrokenBench { public static void main(String[] a) { System.err.println(\"broken on purpose\"); System.exit(1); } }\n");
            Path out = copy.resolve("out");
            Result r = run(copy, Duration.ofMinutes(10), copy.resolve("run_all.sh").toString(), "--quick", "-m", "shm-spin", "-o", out.toString());
            check(r.code() != 0, "non-zero exit when a script failed");
            String summary = Files.readString(out.resolve("summary.md"));
            check(summary.contains("Failed scripts: BrokenBench"), "the failure is listed:\n" + summary);
            check(summary.contains("| shm-spin |"), "what ran is still summarized");
        });

        deleteTree(work);
        System.exit(finish("SuiteTest"));
    }
}
