///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Tests of the suite around the scripts: the jbang bootstrap, run_all.sh and Report.java
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
            try (var scripts = Files.list(REPO)) {
                for (Path s : scripts.filter(p -> p.getFileName().toString().endsWith("Bench.java")).toList()) {
                    String bench = s.getFileName().toString().replace(".java", "");
                    check(summary.contains("## " + bench), "summary has " + bench);
                }
            }
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
            check(last.get(last.size() - 1).contains("summary.md"), "last line names summary.md: " + last.get(last.size() - 1));
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

        test("Report.java: a missing folder or a malformed row is exit 2 with one line naming it", () -> {
            Result missing = run(work, Duration.ofMinutes(3), JBANG, REPO.resolve("Report.java").toString(), "--out", work.resolve("nope").toString());
            check(missing.code() == 2 && missing.err().contains("nope"), "missing folder: " + missing);
            Path bad = Files.createDirectory(work.resolve("bad"));
            Files.writeString(bad.resolve("results.jsonl"), "{\"timestamp\":\"2026-01-01T00:00:00Z\",\"bench\":\"X\",\"method\":\"m\",\"size_bytes\":1,\"verified\":true,\"mb_per_s\":1.5}\nnot json\n");
            Result r = run(work, Duration.ofMinutes(3), JBANG, REPO.resolve("Report.java").toString(), "--out", bad.toString());
            List<String> lines = r.err().lines().filter(l -> !l.startsWith("[jbang]")).toList();
            check(r.code() == 2 && lines.size() == 1 && lines.get(0).contains("results.jsonl line 2"), "names file and line: " + r);
        });

        test("Report.java: a limit-* row is shown as the machine's limit, never ranked among the methods", () -> {
            Path dir = Files.createDirectory(work.resolve("limit"));
            String row = "{\"timestamp\":\"2026-01-01T00:00:00Z\",\"bench\":\"ShmBench\",\"pattern\":\"stream\",\"payload\":\"float64\","
                    + "\"lat_kind\":\"%s\",\"method\":\"%s\",\"size_bytes\":8192,\"verified\":true,\"errors\":0,\"mb_per_s\":%d}\n";
            Files.writeString(dir.resolve("results.jsonl"), String.format(row, "none", "limit-memcpy", 20000)
                    + String.format(row, "one-way", "fast", 9000) + String.format(row, "one-way", "slow", 3000));
            Result r = run(work, Duration.ofMinutes(3), JBANG, REPO.resolve("Report.java").toString(), "--out", dir.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            String md = Files.readString(dir.resolve("summary.md"));
            check(md.lines().anyMatch(l -> l.startsWith("| fast ") && l.contains("**9,000**")), "the fastest method in bold:\n" + md);
            check(md.lines().anyMatch(l -> l.startsWith("| limit-memcpy ") && l.contains(" 20,000 |") && !l.contains("**")), "the limit shown plainly:\n" + md);
            check(md.lines().anyMatch(l -> l.startsWith("| slow ") && l.contains("3.00x")), "ratios against the fastest method, not the limit:\n" + md);
            check(md.lines().anyMatch(l -> l.startsWith("| limit-memcpy ") && l.contains("limit")), "the limit's ratio cell says limit");
        });

        deleteTree(work);
        System.exit(finish("SuiteTest"));
    }
}
