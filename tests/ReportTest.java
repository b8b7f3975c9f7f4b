///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Tests of Report.java: summary.md, report.html (in headless Chromium), --compare and bad input
//JAVA 17+
//DEPS com.fasterxml.jackson.core:jackson-databind:2.22.4
//SOURCES Harness.java

/*
 * Run through ./test.sh, or alone: JBANG=./jbang ./jbang tests/ReportTest.java [name-filter]
 * Prints PASS/FAIL/SKIP per test and ends with "N passed, N failed, N skipped".
 */

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.*;
import java.time.Duration;
import java.util.*;
import java.util.regex.Pattern;

public class ReportTest extends Harness {

    static final Path REPORT = REPO.resolve("Report.java");

    static Result report(Path cwd, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(JBANG, REPORT.toString()));
        cmd.addAll(List.of(args));
        return run(new ProcessBuilder(cmd).directory(cwd.toFile()), Duration.ofMinutes(3));
    }

    /** A results row of the suite schema; `extra` adds or replaces fields (name, value, name, value...). */
    static String row(String bench, String pattern, String latKind, String method, long size, double mbPerS, double p50, Object... extra) throws Exception {
        ObjectNode n = JSON.createObjectNode();
        n.put("timestamp", "2026-11-20T10:00:00Z").put("bench", bench).put("method", method).put("pattern", pattern).put("payload", "bytes")
                .put("wait", "spin").put("lat_kind", latKind).put("size_bytes", size).put("count", 1000).put("run", 1)
                .put("msgs_per_s", mbPerS * 1e6 / size).put("mb_per_s", mbPerS).put("verified", true).put("errors", 0)
                .put("jdk", "Test JDK 17").put("host", "testhost").put("cpu", "Test CPU").put("cores", 2).put("os", "TestOS")
                .put("libs", bench + "-lib-1.0")
                .put("kind", method.startsWith("limit-") ? "reference" : "method").put("cpu_us_per_msg", 1.5).put("cpu_cores", 0.9);
        if (!Double.isNaN(p50))
            n.put("lat_mean_us", p50 * 1.1).put("lat_p50_us", p50).put("lat_p90_us", p50 * 2).put("lat_p99_us", p50 * 5).put("lat_p999_us", p50 * 9);
        for (int i = 0; i < extra.length; i += 2) n.set((String) extra[i], JSON.valueToTree(extra[i + 1]));
        return JSON.writeValueAsString(n) + "\n";
    }

    /**
     * Three experiments of known figures: ShmBench streams with the machine's limit at two sizes,
     * TransportBench round trips, LmdbBench dictionary reads and writes by entries.
     */
    static Path sample(Path dir) throws Exception {
        Files.createDirectories(dir);
        StringBuilder rows = new StringBuilder();
        for (long size : List.of(8192L, 1048576L)) {
            rows.append(row("ShmBench", "stream", "none", "limit-memcpy", size, 20000, Double.NaN, "wait", "none"));
            rows.append(row("ShmBench", "stream", "one-way", "fast", size, 9000, 40));
            rows.append(row("ShmBench", "stream", "one-way", "slow", size, 3000, 120, "wait", "block"));
        }
        for (long size : List.of(64L, 4096L)) {
            rows.append(row("TransportBench", "ping-pong", "rtt", "spin", size, 200, 0.5));
            rows.append(row("TransportBench", "ping-pong", "rtt", "tcp", size, 20, 25));
            // a name with what tablesaw's JavaScript must survive: quotes, a backslash, markup
            rows.append(row("TransportBench", "ping-pong", "rtt", "it's \"odd\" a\\b <i>&amp;", size, 20, 30));
        }
        for (long entries : List.of(10L, 1000L)) {
            for (String method : List.of("lmdb", "shm")) {
                rows.append(row("LmdbBench", "snapshot", "read", method, entries * 115 + (method.equals("shm") ? 7 : 0), 900, entries * 0.2, "entries", entries, "payload", "dict"));
                rows.append(row("LmdbBench", "write-snapshot", "write", method, entries * 115, 50, entries * 0.5, "entries", entries, "payload", "dict"));
            }
            // zmq's write time includes serving the reads: a rate, no latency
            rows.append(row("LmdbBench", "write-snapshot", "none", "zmq", entries * 115, 0.5, Double.NaN, "entries", entries, "payload", "dict"));
        }
        Files.writeString(dir.resolve("results.jsonl"), rows);
        return dir;
    }

    /** The experiment's markdown from its ### heading to the next heading. */
    static String section(String md, String heading) {
        int from = md.indexOf(heading);
        check(from >= 0, "no " + heading + " in:\n" + md);
        int to = md.indexOf("\n##", from + heading.length());
        return md.substring(from, to < 0 ? md.length() : to);
    }

    static Optional<String> line(String text, String start) {
        return text.lines().filter(l -> l.startsWith(start)).findFirst();
    }

    public static void main(String[] args) throws Exception {
        filter = args.length > 0 ? args[0] : null;
        Path work = Files.createTempDirectory("report-test");

        test("--help documents every option", () -> {
            Result r = report(work, "--help");
            check(r.code() == 0, "exit 0: " + r.err());
            for (String option : List.of("--out", "--since", "--failed", "--compare", "--help", "--version"))
                check(r.out().contains(option), "--help names " + option + ":\n" + r.out());
        });

        test("summary.md: the environment on top, the best of each size in bold, ratios, shares of the machine's limit", () -> {
            Path dir = sample(work.resolve("summary"));
            Result r = report(work, "--out", dir.toString());
            check(r.code() == 0 && r.errLines().isEmpty(), "exit 0, nothing on stderr: " + r.err());
            String md = Files.readString(dir.resolve("summary.md"));
            check(r.out().contains(md.strip()), "summary.md printed");
            String top = md.substring(0, md.indexOf("\n## "));
            for (String env : List.of("JDK: Test JDK 17", "Host: testhost, Test CPU, 2 cores", "OS: TestOS", "Libraries of ShmBench: ShmBench-lib-1.0"))
                check(top.contains(env), "on top: " + env + "\n" + top);
            check(md.indexOf("## TransportBench") < md.indexOf("## ShmBench") && md.indexOf("## ShmBench") < md.indexOf("## LmdbBench"), "the suite's order");

            String shm = section(md, "### stream, bytes payload, MB/s");
            check(line(shm, "| fast ").orElseThrow().contains("**9,000**"), "the fastest method in bold:\n" + shm);
            check(line(shm, "| limit-memcpy ").orElseThrow().contains(" 20,000 |") && !line(shm, "| limit-memcpy ").get().contains("**"), "the limit shown plainly:\n" + shm);
            String ratios = shm.substring(shm.indexOf("Times slower"));
            check(line(ratios, "| slow ").orElseThrow().matches("\\| slow +\\| +3\\.00x \\| +3\\.00x \\|"), "ratios against the fastest method, not the limit:\n" + ratios);
            check(line(ratios, "| limit-memcpy ").orElseThrow().contains("limit"), "the limit's ratio cell says limit");
            String shares = shm.substring(shm.indexOf("Share of the machine's limit (limit-memcpy)"));
            check(line(shares, "| fast ").orElseThrow().matches("\\| fast +\\| +45% \\| +45% \\|"), "fast's share of memcpy:\n" + shares);
            check(line(shares, "| slow ").orElseThrow().contains(" 15% |"), "slow's share of memcpy:\n" + shares);

            String rtt = section(md, "### ping-pong, bytes payload, RTT p50 µs (lower is better)");
            check(line(rtt, "| spin ").orElseThrow().contains("**0.50**"), "lower is better for round trips:\n" + rtt);
            check(line(rtt.substring(rtt.indexOf("RTT p99 µs")), "| tcp ").orElseThrow().matches("\\| tcp +\\| +125 \\| +125 \\|"), "the p99 beside the p50:\n" + rtt);
            check(line(rtt.substring(rtt.indexOf("Times slower")), "| tcp ").orElseThrow().contains("50.00x"), "tcp's round trip is 50 times spin's:\n" + rtt);

            String lmdb = section(md, "### snapshot, dict payload");
            check(lmdb.contains("| 10 entries |") && lmdb.contains("| 1,000 entries |"), "dictionaries by entries, not by their bytes:\n" + lmdb);
            check(md.contains("All scripts succeeded."), "no failure listed");
        });

        test("report.html: a section per experiment with its tables and plots, plotly.js beside it, no URL off the machine", () -> {
            Path dir = sample(work.resolve("html"));
            Result r = report(work, "--out", dir.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            check(r.out().strip().lines().reduce((a, b) -> b).orElse("").contains("report.html"), "the last line names report.html: " + r.out());
            String html = Files.readString(dir.resolve("report.html"));
            for (String bench : List.of("TransportBench", "ShmBench", "LmdbBench"))
                check(html.contains("<section id=\"" + bench + "\">"), "a section for " + bench);
            // Per experiment: the headline by size, and the latency percentiles (the limit row has none).
            List<String> titles = Pattern.compile("class=\"plot\" id=\"plot\\d+\" data-title=\"([^\"]*)\"").matcher(html).results().map(m -> m.group(1)).toList();
            check(titles.equals(List.of(
                    "TransportBench ping-pong bytes round trip p50 vs size", "TransportBench ping-pong bytes round trip percentiles at 64 B",
                    "ShmBench stream bytes MB/s vs size", "ShmBench stream bytes latency percentiles at 8 KiB",
                    "LmdbBench snapshot dict time per read, mean vs entries", "LmdbBench snapshot dict read time percentiles at 10 entries",
                    "LmdbBench write-snapshot dict time per write vs entries", "LmdbBench write-snapshot dict write time percentiles at 10 entries")),
                    "the plots, in order: " + titles);
            check(html.contains("<strong>9,000</strong>") && html.contains("45%"), "the tables, with the best in bold and the limit's shares");
            check(html.contains("<script src=\"plotly-2.35.3.js\"></script>") && Files.size(dir.resolve("plotly-2.35.3.js")) > 1_000_000, "plotly.js written beside it");
            check(!Pattern.compile("(src|href)\\s*=\\s*\"(https?:)?//").matcher(html).find(), "no script or link from another host");
        });

        test("report.html in headless Chromium: every plot drawn with its title, nothing fetched from the network, no script error", () -> {
            Path dir = sample(work.resolve("browser"));
            Result r = report(work, "--out", dir.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            PageView view = checkReportInBrowser(dir.resolve("report.html"), Path.of(System.getProperty("java.io.tmpdir"), "ipcbench-report-test.png"));
            check(view.plots().size() == 8, "8 plots, was " + view.plots().size());
            view.plots().stream().filter(p -> p.path("title").asText().contains("percentiles"))
                    .forEach(p -> check(p.path("points").asInt() == 4 * p.path("traces").asInt(), "p50, p90, p99, p99.9 of each method: " + p));
        });

        test("a folder where a script failed: what ran is reported and the failure listed, in both files", () -> {
            Path dir = sample(work.resolve("failed"));
            Result r = report(work, "--out", dir.toString(), "--failed", "BrokenBench (exit 1)");
            check(r.code() == 0, "exit 0: " + r.err());
            check(Files.readString(dir.resolve("summary.md")).contains("Failed scripts: BrokenBench (exit 1)"), "listed in summary.md");
            String html = Files.readString(dir.resolve("report.html"));
            check(html.contains("Failed scripts: BrokenBench (exit 1)") && html.contains("<section id=\"ShmBench\">"), "listed in report.html, beside what ran");
            Path none = Files.createDirectories(work.resolve("all-failed"));
            Result all = report(work, "--out", none.toString(), "--failed", "ShmBench (exit 1)");
            check(all.code() == 0 && Files.readString(none.resolve("summary.md")).contains("No results were written."), "every script failed: said so: " + all.err());
        });

        test("several runs: the median and its interval (the runs' range at 3, with its confidence); --since leaves the earlier rows out", () -> {
            Path dir = Files.createDirectories(work.resolve("runs"));
            StringBuilder rows = new StringBuilder();
            for (int run = 1; run <= 3; run++)
                rows.append(row("ShmBench", "stream", "one-way", "m", 8192, 100 * run, 1, "run", run, "timestamp", "2026-11-20T10:0" + run + ":00Z"));
            Files.writeString(dir.resolve("results.jsonl"), rows);
            Result all = report(work, "--out", dir.toString());
            check(all.code() == 0 && line(Files.readString(dir.resolve("summary.md")), "| m ").orElseThrow().contains("**~200 [100, 300]**"), "median 200 of 100, 200, 300, marked ~ for its spread: " + all.out());
            check(Files.readString(dir.resolve("summary.md")).contains("median of 3 runs [its interval, 75% confidence]"), "says how many runs and the interval's confidence");
            Result later = report(work, "--out", dir.toString(), "--since", "2026-11-20T10:02:00Z");
            check(later.code() == 0 && line(Files.readString(dir.resolve("summary.md")), "| m ").orElseThrow().contains("**~250 [200, 300]**"), "median 250 of 200, 300: " + later.out());
        });

        test("6 runs: 95% intervals; a method whose interval overlaps the fastest's is marked not distinguishable; a reference is never ranked; CPU cost shown", () -> {
            Path dir = Files.createDirectories(work.resolve("intervals"));
            StringBuilder rows = new StringBuilder();
            for (int run = 1; run <= 6; run++) {
                rows.append(row("ZmqBench", "push-pull", "one-way", "fast", 64, 100 + run, 1, "run", run));
                rows.append(row("ZmqBench", "push-pull", "one-way", "close", 64, 98 + run, 1, "run", run));
                rows.append(row("ZmqBench", "push-pull", "one-way", "slow", 64, 50 + run, 1, "run", run, "cpu_cores", 2.0, "cpu_us_per_msg", 0.25));
                rows.append(row("ZmqBench", "push-pull", "one-way", "inproc", 64, 900 + run, 1, "run", run, "kind", "reference"));
            }
            Files.writeString(dir.resolve("results.jsonl"), rows);
            Result r = report(work, "--out", dir.toString());
            String md = Files.readString(dir.resolve("summary.md"));
            check(r.code() == 0 && md.contains("median of 6 runs [its interval, 97% confidence]"), "6 runs give a 95% interval:\n" + md);
            check(line(md, "| fast ").orElseThrow().contains("**104 [101, 106]**"), "the fastest method in bold, with its interval:\n" + md);
            check(line(md, "| close ").orElseThrow().contains("102 [99.0, 104] ≈"), "overlapping: not distinguishable:\n" + md);
            check(!line(md, "| slow ").orElseThrow().contains("≈"), "apart: ranked:\n" + md);
            check(line(md, "| inproc (reference) ").orElseThrow().contains("904 [901, 906]") && !line(md, "| inproc (reference) ").orElseThrow().contains("**"),
                    "a reference beside the methods, never the fastest:\n" + md);
            check(md.lines().anyMatch(l -> l.startsWith("| inproc (reference) ") && l.contains("reference |")), "not ranked in the ratios:\n" + md);
            check(md.lines().anyMatch(l -> l.startsWith("| slow ") && l.contains("2.00 cores, 0.25 µs")), "CPU cost per method:\n" + md);
            check(md.contains("not distinguishable") && md.contains("~ marks a cell"), "the marks are explained:\n" + md);
            String html = Files.readString(dir.resolve("report.html"));
            check(html.contains("102 [99.0, 104] ≈") && html.contains("<strong>104 [101, 106]</strong>") && html.contains("not distinguishable"), "report.html too");
        });

        test("rows of another batch or number of peers are another experiment, not more runs", () -> {
            Path dir = Files.createDirectories(work.resolve("variants"));
            Files.writeString(dir.resolve("results.jsonl"), row("ZmqBench", "push-pull", "one-way", "tcp", 64, 10, 1, "batch", 1)
                    + row("ZmqBench", "push-pull", "one-way", "tcp", 64, 30, 1, "batch", 64));
            Result r = report(work, "--out", dir.toString());
            String md = Files.readString(dir.resolve("summary.md"));
            check(r.code() == 0 && md.contains("### push-pull, bytes payload, batch 1, MB/s") && md.contains("### push-pull, bytes payload, batch 64, MB/s"), "two tables:\n" + md);
            check(md.lines().noneMatch(l -> l.startsWith("| tcp ") && l.contains("[")) && !md.matches("(?s).*median of \\d.*"), "no interval: each cell is one run:\n" + md);
        });

        test("a row not verified is marked, listed and not ranked", () -> {
            Path dir = Files.createDirectories(work.resolve("unverified"));
            Files.writeString(dir.resolve("results.jsonl"), row("ShmBench", "stream", "one-way", "wrong", 8192, 9999, 1, "verified", false, "errors", 3)
                    + row("ShmBench", "stream", "one-way", "right", 8192, 100, 1));
            Result r = report(work, "--out", dir.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            String md = Files.readString(dir.resolve("summary.md"));
            check(line(md, "| right ").orElseThrow().contains("**100**") && line(md, "| wrong ").orElseThrow().contains("✗"), "the verified row wins:\n" + md);
            check(md.contains("✗ wrong at 8 KiB, run 1: verified=false, errors=3"), "listed:\n" + md);
        });

        test("bad input: a missing folder, an empty one, an empty file, a malformed row: exit 2, one line naming it", () -> {
            Path empty = Files.createDirectories(work.resolve("empty"));
            Path blank = Files.createDirectories(work.resolve("blank"));
            Files.writeString(blank.resolve("results.jsonl"), "\n");
            Path malformed = Files.createDirectories(work.resolve("malformed"));
            Files.writeString(malformed.resolve("results.jsonl"), row("ShmBench", "stream", "one-way", "m", 8, 1, 1) + "not json\n");
            Path noValue = Files.createDirectories(work.resolve("novalue"));
            Files.writeString(noValue.resolve("results.jsonl"), row("ShmBench", "stream", "one-way", "m", 8, 1, 1) + row("ShmBench", "stream", "one-way", "m", 8, 1, 1).replace("\"mb_per_s\"", "\"mbps\""));
            Path binary = Files.createDirectories(work.resolve("binary"));
            Files.write(binary.resolve("results.jsonl"), new byte[]{(byte) 0xff, (byte) 0xfe, 0, 1, '\n'});
            Map<String[], String> cases = new LinkedHashMap<>();
            cases.put(new String[]{"--out", work.resolve("nope").toString()}, "'" + work.resolve("nope") + "' does not exist");
            cases.put(new String[]{"--out", empty.toString()}, "No " + empty.resolve("results.jsonl"));
            cases.put(new String[]{"--out", blank.toString()}, "No rows in " + blank.resolve("results.jsonl"));
            cases.put(new String[]{"--out", malformed.toString()}, malformed.resolve("results.jsonl") + " line 2 is not a results row");
            cases.put(new String[]{"--out", noValue.toString()}, noValue.resolve("results.jsonl") + " line 2 is not a results row: 'mb_per_s' is not a number");
            cases.put(new String[]{"--out", binary.toString()}, binary.resolve("results.jsonl") + " is not a results file: it is not UTF-8 text");
            cases.put(new String[]{"--out", malformed.toString(), "--since", "yesterday"}, "'yesterday' is not an ISO-8601 instant");
            cases.put(new String[]{"--compare", empty.toString(), work.resolve("nope").toString()}, "No " + empty.resolve("results.jsonl"));
            cases.put(new String[]{"--compare", sample(work.resolve("good")).toString(), malformed.toString()}, malformed.resolve("results.jsonl") + " line 2");
            cases.put(new String[]{"--compare", empty.toString()}, "--compare");
            for (var c : cases.entrySet()) {
                Result r = report(work, c.getKey());
                String shown = String.join(" ", c.getKey());
                check(r.code() == 2, shown + ": exit 2, was " + r.code() + ": " + r.err());
                check(r.errLines().size() == 1 && r.errLines().get(0).contains(c.getValue()), shown + ": one line with '" + c.getValue() + "': " + r.errLines());
                check(r.out().isEmpty(), shown + ": nothing on stdout");
            }
            for (Path d : List.of(empty, blank, malformed, noValue, binary))
                check(!Files.exists(d.resolve("summary.md")) && !Files.exists(d.resolve("report.html")), "nothing written in " + d);
        });

        test("--compare A B: each cell as A -> B with B/A, what only one folder has listed, compare.md with --out", () -> {
            Path a = sample(work.resolve("compare-a"));
            Path b = Files.createDirectories(work.resolve("compare-b"));
            String rows = Files.readString(a.resolve("results.jsonl")).lines().filter(l -> !l.contains("write-snapshot")).collect(java.util.stream.Collectors.joining("\n", "", "\n"))
                    .replace("\"mb_per_s\":9000.0", "\"mb_per_s\":4500.0")
                    .replace("\"lat_p50_us\":25.0", "\"lat_p50_us\":50.0").replace("\"host\":\"testhost\"", "\"host\":\"otherhost\"");
            Files.writeString(b.resolve("results.jsonl"), rows + row("ShmBench", "stream", "one-way", "newcomer", 8192, 10, 1, "host", "otherhost"));
            Path out = work.resolve("compare-out");
            Result r = report(work, "--compare", a.toString(), b.toString(), "--out", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            String md = Files.readString(out.resolve("compare.md"));
            check(r.out().contains(md.strip()), "printed");
            check(md.contains("Host: A testhost, Test CPU, 2 cores; B otherhost, Test CPU, 2 cores"), "both environments:\n" + md);
            String shm = section(md, "### stream, bytes payload, MB/s");
            check(line(shm, "| fast ").orElseThrow().contains("9,000 -> 4,500 (0.50x)"), "B/A of MB/s:\n" + shm);
            check(line(shm, "| slow ").orElseThrow().contains("3,000 -> 3,000 (1.00x)"), "an unchanged cell:\n" + shm);
            String rtt = section(md, "### ping-pong");
            check(line(rtt, "| tcp ").orElseThrow().contains("25.0 -> 50.0 (2.00x)"), "B/A of round trips:\n" + rtt);
            check(md.contains("newcomer: only in B"), "a method only B has is listed:\n" + md);
            check(md.contains("LmdbBench write-snapshot, dict payload, MB/s (higher is better): only in A"), "an experiment only A has is listed:\n" + md);
            Result alone = report(work, "--compare", a.toString(), b.toString());
            check(alone.code() == 0 && alone.out().contains("9,000 -> 4,500 (0.50x)") && !Files.exists(work.resolve("results/compare.md")), "without --out: printed only");
        });

        deleteTree(work);
        System.exit(finish("ReportTest"));
    }
}
