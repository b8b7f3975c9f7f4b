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

    static TmpfsRun quickRun;
    static String smallShmRefusal;

    /**
     * run_all.sh --quick, once for the tests that read it: on a 64 MiB tmpfs of its own at /dev/shm (Docker's
     * default size) where the machine allows a private mount, else on the machine's /dev/shm (left is then null).
     */
    static TmpfsRun quickRun(Path work, Path out) throws Exception {
        if (quickRun != null) return quickRun;
        ProcessBuilder pb = new ProcessBuilder(REPO.resolve("run_all.sh").toString(), "--quick", "--out", out.toString()).directory(work.toFile());
        try {
            quickRun = runOnTmpfs(SHM, "64m", pb, Duration.ofMinutes(10));
        } catch (Skip refused) {
            smallShmRefusal = refused.getMessage();
            quickRun = new TmpfsRun(run(pb, Duration.ofMinutes(10)), null);
        }
        return quickRun;
    }

    /** A user other than this one, made if need be (useradd, as root): name, uid, gid; a Skip where that is refused. */
    static String[] secondUser() throws Exception {
        String name = "ipcbench-other";
        if (!UID.equals("0")) throw new Skip("making a second user needs root; this is uid " + UID);
        Result id = run(REPO, Duration.ofSeconds(30), "id", "-u", name);
        if (id.code() != 0) {
            Result add = run(REPO, Duration.ofSeconds(30), "useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name);
            if (add.code() != 0) throw new Skip("useradd refused: " + add.err().strip());
            id = run(REPO, Duration.ofSeconds(30), "id", "-u", name);
        }
        String gid = run(REPO, Duration.ofSeconds(30), "id", "-g", name).out().strip();
        return new String[]{name, id.out().strip(), gid};
    }

    /**
     * The script's --quick as another user: its jar and dependencies (which live in root's own jbang and Maven
     * caches, closed to other users) copied where that user can read them, run with the JVM options jbang would
     * give (jbang info tools), through setpriv.
     */
    static ProcessBuilder asUser(String[] user, String bench, Path shared, Path home, Path out) throws Exception {
        var tools = jbangTools(bench);
        Path jars = Files.createDirectories(shared.resolve(bench));
        List<String> classPath = new ArrayList<>();
        List<String> sources = new ArrayList<>(List.of(tools.get("applicationJar").asText()));
        tools.get("resolvedDependencies").forEach(d -> sources.add(d.asText()));
        for (String source : sources) {
            Path copy = jars.resolve(classPath.size() + "-" + Path.of(source).getFileName());
            Files.copy(Path.of(source), copy, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(copy, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            classPath.add(copy.toString());
        }
        String javaHome = System.getenv().getOrDefault("JAVA_HOME", tools.path("availableJdkPath").asText());
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + user[1], "--regid=" + user[2], "--clear-groups", Path.of(javaHome, "bin", "java").toString()));
        tools.path("runtimeOptions").forEach(o -> cmd.add(o.asText()));
        cmd.addAll(List.of("-cp", String.join(":", classPath), tools.get("mainClass").asText(), "--quick", "--out", out.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile());
        pb.environment().put("HOME", home.toString());
        pb.environment().put("USER", user[0]);
        return pb;
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
            Result r = quickRun(work, out).result();
            check(r.code() == 0, "exit 0, was " + r.code() + ": " + r.err());
            String summary = Files.readString(out.resolve("summary.md"));
            for (String bench : BENCHES) check(summary.contains("## " + bench), "summary has " + bench);
            for (String method : List.of("shm-spin", "shm-sem", "zmq-tcp", "zmq-ipc", "uds", "tcp", "pipe", "chronicle", "agrona-ring", "aeron-ipc", "aeron-udp"))
                check(summary.lines().anyMatch(l -> l.startsWith("| " + method + " ")), "summary has TransportBench's " + method);
            for (String method : List.of("limit-memcpy", "queue", "shm-event", "shm-ring", "zmq-shm", "chronicle", "agrona-ring", "aeron-ipc"))
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

        test("under a 64 MiB /dev/shm (Docker's default): run_all.sh --quick completes, every row verified, no crash log, nothing left on it", () -> {
            Path out = work.resolve("all");
            TmpfsRun small = quickRun(work, out);
            if (small.left() == null) throw new Skip(smallShmRefusal);
            check(small.result().code() == 0, "exit 0, was " + small.result().code() + ": " + small.result().err());
            check(small.left().isEmpty(), "files left on /dev/shm: " + small.left());
            List<com.fasterxml.jackson.databind.JsonNode> rows = rows(out);
            for (var row : rows) {
                check(row.get("verified").asBoolean(), "a row not verified: " + row);
                check(row.get("shm_dir").asText().equals("/dev/shm") && row.get("shm_fs").asText().equals("tmpfs"), "rows record /dev/shm as tmpfs: " + row.get("shm_dir") + " " + row.get("shm_fs"));
            }
            for (String bench : BENCHES) check(rows.stream().anyMatch(row -> row.get("bench").asText().equals(bench)), bench + " wrote rows");
            checkNoCrashLog(work);
            System.out.println("     (" + small.result().err().lines().filter(l -> l.startsWith("=== ") && l.contains(" in ")).map(String::strip).reduce((a, b) -> a + "; " + b).orElse("") + ")");
        });

        test("--out on a read-only file system is bad input in every script: exit 2 before any run, one line", () -> {
            Path ro = Files.createDirectories(work.resolve("read-only"));
            for (String bench : BENCHES) {
                Path out = ro.resolve("results");
                TmpfsRun r = runOnTmpfs(ro, "1m", true, new ProcessBuilder(JBANG, REPO.resolve(bench + ".java").toString(), "--quick", "--out", out.toString()).directory(work.toFile()), Duration.ofMinutes(2));
                List<String> err = r.result().errLines();
                check(r.result().code() == 2, bench + ": exit 2, was " + r.result().code() + ": " + err);
                check(err.size() == 1 && err.get(0).contains("--out") && err.get(0).contains(out.toString()), bench + ": one line naming --out and the folder: " + err);
                check(r.result().out().isEmpty(), bench + ": nothing on stdout (no run started)");
            }
        });

        test("a second user runs each script's --quick while root runs each script too: both succeed, each in their own suite folder", () -> {
            String[] user = secondUser();
            Path shared = Files.createDirectories(work.resolve("second-user"));
            for (Path p = shared; !p.equals(work.getParent()); p = p.getParent())
                Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            Path home = Files.createDirectories(shared.resolve("home"));
            run(work, Duration.ofSeconds(30), "chown", user[1] + ":" + user[2], home.toString());
            Path theirFolder = SHM.resolve("ipcbench-" + user[1]);
            Map<String, ProcessBuilder> theirs = new LinkedHashMap<>();
            for (String bench : BENCHES) theirs.put(bench, asUser(user, bench, shared, home, home.resolve("out-" + bench)));
            // Their six runs one after the other, beside root's: a method of each script that keeps files (and
            // semaphores, where it has them) in root's suite folder, in the same /dev/shm.
            Map<String, String> rootMethod = Map.of("ArrowBench", "arrow-shm", "LmdbBench", "shm", "RedisBench", "list", "ShmBench", "shm-event",
                    "TransportBench", "shm-sem", "ZmqBench", "ipc");
            var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
            var theirRuns = pool.submit(() -> {
                Map<String, Result> done = new LinkedHashMap<>();
                for (var e : theirs.entrySet()) done.put(e.getKey(), run(e.getValue(), Duration.ofMinutes(5)));
                return done;
            });
            pool.shutdown();
            try {
                for (String bench : BENCHES) {
                    List<String> root = new ArrayList<>(new Script(bench, "--role").javaCommand());
                    root.addAll(List.of("--quick", "-m", rootMethod.get(bench), "--out", work.resolve("root-" + bench).toString()));
                    Result mine = run(new ProcessBuilder(root).directory(work.toFile()), Duration.ofMinutes(5));
                    check(mine.code() == 0, bench + ": root's run exit 0, was " + mine.code() + ": " + mine.errLines());
                    check(!rows(work.resolve("root-" + bench)).isEmpty(), bench + ": root's rows");
                }
                for (var e : theirRuns.get(10, java.util.concurrent.TimeUnit.MINUTES).entrySet()) {
                    check(e.getValue().code() == 0, e.getKey() + ": the second user's run exit 0, was " + e.getValue().code() + ": " + e.getValue().errLines());
                    for (var row : rows(home.resolve("out-" + e.getKey()))) check(row.get("verified").asBoolean(), e.getKey() + ": the second user's row not verified: " + row);
                }
                if (Files.exists(theirFolder)) {
                    check(Files.getOwner(theirFolder).getName().equals(user[0]) || String.valueOf(Files.getAttribute(theirFolder, "unix:uid")).equals(user[1]),
                            "the second user's suite folder is theirs: " + Files.getOwner(theirFolder));
                    check(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(theirFolder)).equals("rwx------"), "and owner-only");
                    try (var left = Files.list(theirFolder)) {
                        check(left.findAny().isEmpty(), "the second user's runs left nothing in " + theirFolder);
                    }
                }
                try (var sems = Files.list(SHM)) {
                    List<Path> theirSems = sems.filter(f -> f.getFileName().toString().startsWith("sem.ipcbench-" + user[1] + "-")).toList();
                    check(theirSems.isEmpty(), "the second user's semaphores left: " + theirSems);
                }
            } finally {
                deleteTree(theirFolder);
            }
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
            check(summary.lines().anyMatch(l -> l.matches("\\| shm-spin +\\|.*")), "what ran is still summarized:\n" + summary);
        });

        deleteTree(work);
        System.exit(finish("SuiteTest"));
    }
}
