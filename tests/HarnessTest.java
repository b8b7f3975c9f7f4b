///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Tests of the harness every script carries (harness/BenchHarness.java), of its copies, and of the one results schema
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS org.hdrhistogram:HdrHistogram:2.2.2
//DEPS com.fasterxml.jackson.core:jackson-databind:2.22.4
//SOURCES Harness.java
//SOURCES ../harness/BenchHarness.java

/*
 * Run through ./test.sh, or alone: JBANG=./jbang ./jbang tests/HarnessTest.java [name-filter]
 * Prints PASS/FAIL/SKIP per test and ends with "N passed, N failed, N skipped".
 */

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

public class HarnessTest extends Harness {

    static final List<String> BENCHES = List.of("TransportBench", "ShmBench", "ZmqBench", "ArrowBench", "RedisBench", "LmdbBench");
    /** The files that carry harness blocks, and which. */
    static final Map<String, List<String>> CARRIERS = new TreeMap<>();
    static {
        for (String b : BENCHES) CARRIERS.put(b + ".java", List.of("format", "run"));
        CARRIERS.put("Report.java", List.of("format"));
    }

    static Result sync(Path repo, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(JBANG, "--quiet", REPO.resolve("harness/Sync.java").toString()));
        cmd.addAll(List.of(args));
        cmd.add(repo.toString());
        return run(new ProcessBuilder(cmd).directory(repo.toFile()), Duration.ofMinutes(3));
    }

    /** stderr of what the body printed there. */
    static String stderrOf(Callable<?> body) throws Exception {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            body.call();
        } finally {
            System.setErr(saved);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    @picocli.CommandLine.Command(name = "throws")
    static final class Throws implements Callable<Integer> {
        @picocli.CommandLine.Option(names = "--size") String size;
        public Integer call() { throw new IllegalStateException("something the script did not expect"); }
    }

    @picocli.CommandLine.Command(name = "fails")
    static final class Fails implements Callable<Integer> {
        public Integer call() throws Exception { throw new BenchHarness.RunFailure("the consumer exited", 1); }
    }

    public static void main(String[] args) throws Exception {
        filter = args.length > 0 ? args[0] : null;
        Path work = Files.createTempDirectory("harness-test");

        test("harness: every script's blocks are identical to harness/BenchHarness.java", () -> {
            Result r = sync(REPO, "--check");
            check(r.code() == 0, "./harness/sync --check exit 0, was " + r.code() + ": " + r.err());
        });

        test("harness: a one-byte edit to any block of any script is named by script and line; sync mends it", () -> {
            Path repo = Files.createDirectories(work.resolve("repo"));
            Files.createDirectories(repo.resolve("harness"));
            Files.copy(REPO.resolve("harness/BenchHarness.java"), repo.resolve("harness/BenchHarness.java"));
            for (String file : CARRIERS.keySet()) Files.copy(REPO.resolve(file), repo.resolve(file));
            Random random = new Random(16);
            Map<String, Integer> edited = new TreeMap<>();
            for (var carrier : CARRIERS.entrySet()) {
                Path file = repo.resolve(carrier.getKey());
                List<String> lines = new ArrayList<>(Arrays.asList(Files.readString(file).split("\n", -1)));
                for (String block : carrier.getValue()) {
                    int start = indexOf(lines, "// ---- harness block: " + block), end = indexOf(lines, "// ---- end of harness block: " + block);
                    check(start >= 0 && end > start, carrier.getKey() + " has block " + block);
                    int line;
                    do line = start + 1 + random.nextInt(end - start - 1); while (lines.get(line).isEmpty());
                    char[] text = lines.get(line).toCharArray();
                    int at = random.nextInt(text.length);
                    text[at] = text[at] == 'x' ? 'y' : 'x';    // one byte: every harness line is ASCII
                    lines.set(line, new String(text));
                    edited.put(carrier.getKey() + ":" + (line + 1), 0);
                }
                Files.writeString(file, String.join("\n", lines));
            }
            Result check = sync(repo, "--check");
            check(check.code() == 1, "--check fails: exit " + check.code() + ": " + check.err());
            for (String place : edited.keySet()) check(check.err().contains(place + ": harness block"), "names " + place + ":\n" + check.err());
            Result mend = sync(repo);
            check(mend.code() == 0, "sync exit 0: " + mend.err());
            Result again = sync(repo, "--check");
            check(again.code() == 0, "--check passes after sync: " + again.err());
            for (String file : CARRIERS.keySet())
                check(Files.readString(repo.resolve(file)).equals(Files.readString(REPO.resolve(file))), file + " is back to the repository's");
        });

        test("harness: a script without a block it must carry is named, exit 2", () -> {
            Path repo = Files.createDirectories(work.resolve("repo-missing"));
            Files.createDirectories(repo.resolve("harness"));
            Files.copy(REPO.resolve("harness/BenchHarness.java"), repo.resolve("harness/BenchHarness.java"));
            Files.writeString(repo.resolve("NewBench.java"), "class NewBench {\n}\n");
            Result r = sync(repo, "--check");
            check(r.code() == 2 && r.err().contains("NewBench.java: no harness block 'format'") && r.err().contains("no harness block 'run'"), "names what is missing: " + r.err());
        });

        test("harness: sizes print one way, parse both ways", () -> {
            Map<Long, String> expected = new LinkedHashMap<>();
            expected.put(100L, "100 B");
            expected.put(10_000L, "10 kB");
            expected.put(2_000_000L, "2 MB");
            expected.put(65_536L, "64 KiB");
            expected.put(1L << 20, "1 MiB");
            expected.put(1_234_567L, "1.23 MB");
            expected.put(12_345L, "12.3 kB");
            expected.put(999L, "999 B");
            expected.put(1000L << 20, "1000 MiB");
            expected.put(10_240L, "10 KiB");
            expected.forEach((bytes, text) -> check(BenchHarness.Units.size(bytes).equals(text), bytes + " prints " + text + ", was " + BenchHarness.Units.size(bytes)));
            check(BenchHarness.Units.parseSize("10k") == 10_000 && BenchHarness.Units.parseSize("64Ki") == 65_536
                    && BenchHarness.Units.parseSize("2M") == 2_000_000 && BenchHarness.Units.parseSize("1MiB") == 1 << 20, "parsing");
            for (String bad : List.of("", "k", "1.5M", "-1", "10 q", "99999999999999999999"))
                check(throwsAny(() -> BenchHarness.Units.parseSize(bad)), "'" + bad + "' is not a size");
        });

        test("harness: medians skip missing values; numbers print with '.' whatever the locale", () -> {
            check(BenchHarness.median(List.of(3.0, Double.NaN, 1.0, 2.0), x -> x) == 2.0, "NaN skipped");
            check(Double.isNaN(BenchHarness.median(List.of(Double.NaN), x -> x)), "nothing left: NaN");
            check(BenchHarness.median(List.of(1.0, 4.0), x -> x) == 2.5, "even count");
            Locale saved = Locale.getDefault();
            try {
                Locale.setDefault(Locale.GERMANY);
                check(BenchHarness.fmt(0.656).equals("0.66") && BenchHarness.fmt(13.62).equals("13.6") && BenchHarness.fmt(1868.4).equals("1,868"),
                        "fmt: " + BenchHarness.fmt(0.656) + " " + BenchHarness.fmt(13.62) + " " + BenchHarness.fmt(1868.4));
                check(BenchHarness.fmt(Double.NaN).equals("-") && BenchHarness.times(Double.POSITIVE_INFINITY).equals("-") && BenchHarness.times(1.234).equals("1.23x"), "missing values and ratios");
                check(BenchHarness.Units.size(1_234_567).equals("1.23 MB"), "sizes too");
            } finally {
                Locale.setDefault(saved);
            }
        });

        test("harness: a median's interval is the order statistics' with its true confidence; ~ above 10% spread; overlaps", () -> {
            var three = BenchHarness.Interval.of(List.of(10.0, 12.0, 11.0));
            check(three.median() == 11 && three.low() == 10 && three.high() == 12 && Math.abs(three.confidence() - 0.75) < 1e-9 && !three.is95(),
                    "3 runs: their range, 75%: " + three);
            var six = BenchHarness.Interval.of(List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0));
            check(six.low() == 1 && six.high() == 6 && Math.abs(six.confidence() - (1 - 2 / 64.0)) < 1e-9 && six.is95(), "6 runs: the fewest for 95%: " + six);
            var nine = BenchHarness.Interval.of(List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0));
            check(nine.low() == 2 && nine.high() == 8 && nine.confidence() >= 0.95, "9 runs: x(2)..x(8), " + nine);
            var ten = BenchHarness.Interval.of(List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0));
            check(ten.low() == 2 && ten.high() == 9 && Math.abs(ten.confidence() - (1 - 2 * 11 / 1024.0)) < 1e-9, "10 runs: x(2)..x(9), " + ten);
            check(BenchHarness.Interval.of(List.of(100.0, 105.0, 95.0)).text().equals("100 [95.0, 105]"), "within 10%: no mark, "
                    + BenchHarness.Interval.of(List.of(100.0, 105.0, 95.0)).text());
            check(BenchHarness.Interval.of(List.of(100.0, 125.0, 95.0)).text().startsWith("~100 "), "spread above 10%: marked");
            check(BenchHarness.Interval.of(List.of(5.0, Double.NaN)).text().equals("5.00"), "one run: its figure, no interval");
            check(three.overlaps(BenchHarness.Interval.of(List.of(11.5, 13.0, 14.0))) && !three.overlaps(BenchHarness.Interval.of(List.of(12.5, 13.0, 14.0))),
                    "overlapping intervals are not distinguishable; disjoint ones are");
        });

        test("harness: --runs N runs N; --runs auto runs 6 to 10, stopping when the 95% interval is within 5%", () -> {
            var converter = new BenchHarness.RunsConverter();
            BenchHarness.Runs three = converter.convert("3"), auto = converter.convert("auto");
            List<Double> done = new ArrayList<>();
            int runs = 0;
            while (three.another(done)) { done.add(1.0); runs++; }
            check(runs == 3, "-r 3 ran " + runs);
            for (String bad : List.of("0", "-1", "many", ""))
                check(throwsAny(() -> converter.convert(bad)), "'" + bad + "' refused");
            List<Double> steady = new ArrayList<>();
            while (auto.another(steady)) steady.add(100.0 + steady.size() % 2);
            check(steady.size() == 6, "steady runs stop at the first 95% interval, 6 runs: " + steady.size());
            List<Double> noisy = new ArrayList<>();
            while (auto.another(noisy)) noisy.add(noisy.size() % 2 == 0 ? 50.0 : 150.0);
            check(noisy.size() == 10, "noisy runs stop at 10: " + noisy.size());
        });

        test("harness: with no count given, a measured run is sized from the warm-up's rate to last at least 1 s", () -> {
            // warm-up: 5,000 messages in 1 s -> at least 5,000 in the measured second, plus the margin
            long n = BenchHarness.RunLength.count(5_000, 1_000_000_000L, 100, 1_000_000);
            check(n >= 5_000 && n <= 7_000, "5,000/s -> " + n);
            check(BenchHarness.RunLength.count(10, 1_000_000_000L, 100, 1_000_000) == 100, "never under the floor");
            check(BenchHarness.RunLength.count(50_000_000, 1_000_000_000L, 100, 1_000_000) == 1_000_000, "never over the cap");
            check(BenchHarness.RunLength.WARMUP.toMillis() >= 1000 && BenchHarness.RunLength.MEASURED.toMillis() >= 1000, "1 s each");
        });

        test("harness: CPU cost counts the children's CPU too, per message and in cores; a row without it is refused", () -> {
            // A child that spins while this process sleeps: the meter must see it busy (up to a core, less on a loaded machine).
            Process busy = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
            var meter = BenchHarness.CpuMeter.start(List.of(busy.pid()));
            Thread.sleep(1000);
            var fields = meter.stop(1000);
            busy.destroyForcibly();
            double cores = ((Number) fields.get("cpu_cores")).doubleValue(), perMessage = ((Number) fields.get("cpu_us_per_msg")).doubleValue();
            check(cores > 0.2 && cores < 2.5, "a busy child is counted: " + fields);
            check(Math.abs(perMessage - cores * 1000) < 200, "per message = CPU / messages: " + fields);
            var results = new BenchHarness.Results(work.resolve("kind-check"), Map.of());
            Map<String, Object> row = new LinkedHashMap<>(Map.of("method", "x", "run", 1));
            boolean refused = false;
            try {
                results.write(row, null);
            } catch (IllegalStateException e) {
                refused = true;
            }
            check(refused, "a row without kind and CPU cost is refused");
            row.put("kind", "method");
            row.putAll(fields);
            results.write(row, null);
            check(Files.readAllLines(work.resolve("kind-check/results.csv")).size() == 2, "with them it is written");
        });

        test("harness: each user has their own suite folder and semaphores; a clean-up never touches another user's", () -> {
            String uid = new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip();
            check(BenchHarness.SuiteFolder.root().getFileName().toString().equals("ipcbench-" + uid), "the folder is ipcbench-<uid>: " + BenchHarness.SuiteFolder.root());
            check(BenchHarness.SuiteFolder.semaphoreName("1-ab", "ring").equals("/ipcbench-" + uid + "-BenchHarness-1-ab-ring"), "semaphores carry the uid: "
                    + BenchHarness.SuiteFolder.semaphoreName("1-ab", "ring"));
            long dead = deadPid();
            String other = uid.equals("4242") ? "4343" : "4242";
            Path base = BenchHarness.SuiteFolder.root().getParent();
            Path theirs = Files.createDirectories(base.resolve("ipcbench-" + other).resolve("BenchHarness-" + dead + "-abc"));
            Path theirSem = Files.writeString(BenchHarness.SuiteFolder.SHM.resolve("sem.ipcbench-" + other + "-BenchHarness-" + dead + "-abc-ring"), "s");
            Path mine = Files.createDirectories(BenchHarness.SuiteFolder.root().resolve("BenchHarness-" + dead + "-abc"));
            try {
                List<Path> removed = BenchHarness.SuiteFolder.removeLeftovers();
                check(removed.equals(List.of(mine)) && !Files.exists(mine), "its own dead run removed, and only that: " + removed);
                check(Files.exists(theirs) && Files.exists(theirSem), "another user's dead run and semaphore untouched");
            } finally {
                deleteTree(base.resolve("ipcbench-" + other));
                Files.deleteIfExists(theirSem);
                deleteTree(mine);
            }
        });

        test("harness: --shm-dir moves the suite folder and rows record its file system; a need beyond the free space is one line naming both", () -> {
            Path before = BenchHarness.SuiteFolder.base();
            var cl = new picocli.CommandLine(new Throws());
            boolean refused = false;
            try {
                BenchHarness.SuiteFolder.useShmDir(cl, work.resolve("no-such-folder"));
            } catch (picocli.CommandLine.ParameterException e) {
                refused = e.getMessage().contains("'--shm-dir'") && e.getMessage().contains("no-such-folder");
            }
            check(refused && BenchHarness.SuiteFolder.base().equals(before), "a folder that does not exist is bad input, and changes nothing");
            Path dir = Files.createDirectories(work.resolve("shm-dir"));
            try {
                BenchHarness.SuiteFolder.useShmDir(cl, dir);
                check(BenchHarness.SuiteFolder.root().equals(dir.toAbsolutePath().resolve("ipcbench-" + BenchHarness.SuiteFolder.USER)), "the suite folder is in it: " + BenchHarness.SuiteFolder.root());
                Path run = BenchHarness.SuiteFolder.createRunDir(BenchHarness.SuiteFolder.newRunId());
                check(run.getParent().equals(BenchHarness.SuiteFolder.root()), "run folders go there: " + run);
                var fields = BenchHarness.SuiteFolder.fields();
                check(fields.get("shm_dir").equals(dir.toAbsolutePath().toString()) && fields.get("shm_fs").equals(Files.getFileStore(dir).type()),
                        "rows record the folder and its file system type: " + fields);
                String why = "";
                try {
                    BenchHarness.SuiteFolder.requireSpace("the ring", Long.MAX_VALUE / 2, "use --ring 1Mi");
                } catch (BenchHarness.RunFailure f) {
                    why = f.getMessage();
                }
                check(why.contains(dir.toAbsolutePath().toString()) && why.contains(" free; the ring needs ") && why.contains("--ring 1Mi") && why.contains("--shm-dir"),
                        "names the folder, its free space, the need and what helps: " + why);
                BenchHarness.SuiteFolder.requireSpace("a small file", 4096, "");
                Path file = run.resolve("ring");
                try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    BenchHarness.SuiteFolder.allocate(ch, file, 3 << 20 | 5);
                    check(ch.size() == (3 << 20 | 5), "allocated to its full size: " + ch.size());
                }
                check(Files.getAttribute(file, "unix:size").equals(3L << 20 | 5) && (Long) Files.getAttribute(file, "size") > 0, "its pages are written, not a hole");
                BenchHarness.SuiteFolder.delete(run);
            } finally {
                BenchHarness.SuiteFolder.useShmDir(cl, before);
                deleteTree(dir);
            }
        });

        test("harness: bad input is exit 2 with one line; an unexpected exception exit 1 with one line, no stack trace", () -> {
            int[] code = new int[1];
            String bad = stderrOf(() -> code[0] = BenchHarness.runCommand(new Throws(), "--nonsense"));
            check(code[0] == 2 && bad.strip().lines().count() == 1 && bad.contains("--nonsense"), "bad input: " + code[0] + " " + bad);
            String unexpected = stderrOf(() -> code[0] = BenchHarness.runCommand(new Throws()));
            check(code[0] == 1, "exit 1, was " + code[0]);
            check(unexpected.strip().lines().count() == 1 && !unexpected.contains("\tat "), "one line, no stack trace: " + unexpected);
            check(unexpected.startsWith("BenchHarness: IllegalStateException: something the script did not expect"), "names the script and the exception: " + unexpected);
            BenchHarness.FAILURE_PRINTED.set(false);
            String failed = stderrOf(() -> code[0] = BenchHarness.runCommand(new Fails()));
            check(code[0] == 1 && failed.strip().equals("BenchHarness: the consumer exited"), "a run failure is its one line: " + failed);
        });

        test("harness: a results folder whose results.csv has another header is refused; the suite's own is not", () -> {
            Path out = Files.createDirectories(work.resolve("other-schema"));
            check(BenchHarness.Results.unusable(out) == null, "an empty folder is fine");
            Files.writeString(out.resolve("results.csv"), BenchHarness.Results.HEADER + "\n");
            check(BenchHarness.Results.unusable(out) == null, "the suite's header is fine");
            Files.writeString(out.resolve("results.csv"), "timestamp,bench,method\n");
            String why = BenchHarness.Results.unusable(out);
            check(why != null && why.contains("results.csv has other columns"), "refused: " + why);
            Path file = Files.writeString(work.resolve("a-file"), "x");
            check(BenchHarness.Results.unusable(file) != null, "a file is not a folder");
        });

        test("schema: the columns every script writes are README's table (docs/results-schema.md)", () -> {
            Path page = REPO.resolve("docs/results-schema.md");
            check(Files.exists(page), "docs/results-schema.md exists");
            List<String> documented = new ArrayList<>();
            Pattern row = Pattern.compile("^\\| `([a-z0-9_]+)` \\|.*");
            boolean inTable = false;
            for (String line : Files.readAllLines(page)) {
                var m = row.matcher(line);
                if (m.matches() && (inTable || m.group(1).equals("timestamp"))) {
                    inTable = true;
                    documented.add(m.group(1));
                } else if (inTable && !line.startsWith("|")) {
                    break;
                }
            }
            check(documented.equals(BenchHarness.Results.COLUMNS), "documented " + documented + "\nwritten    " + BenchHarness.Results.COLUMNS);
            // Every script writes through the harness's Results, whose copies the first test keeps identical:
            for (String bench : BENCHES) {
                String text = Files.readString(REPO.resolve(bench + ".java"));
                check(text.contains("results.write(") && !text.replace(block(text, "run"), "").contains("COLUMNS"), bench + " writes its rows through the harness's Results, with no columns of its own");
            }
        });

        test("harness: every script starts through the harness's runCommand (its one-line failures, Locale.ROOT)", () -> {
            for (String bench : BENCHES) {
                String text = Files.readString(REPO.resolve(bench + ".java"));
                check(text.contains("System.exit(runCommand(new " + bench + "(), args));"), bench + "'s main calls runCommand");
                check(!text.replace(block(text, "run"), "").contains("setExecutionExceptionHandler"), bench + " has no handler of its own");
            }
        });

        test("harness: every script's --help ends by naming its doc page", () -> {
            for (String bench : BENCHES) {
                Result r = new Script(bench, "--role").run(REPO, null, Duration.ofMinutes(3), "--help");
                List<String> lines = r.out().strip().lines().toList();
                check(r.code() == 0 && lines.get(lines.size() - 1).contains("docs/" + bench + ".md"), bench + " --help's last line: " + lines.get(lines.size() - 1));
                check(Files.exists(REPO.resolve("docs/" + bench + ".md")), "docs/" + bench + ".md exists");
            }
        });

        test("harness: a German locale still prints '.' for decimals (TransportBench and Report.java)", () -> {
            Path out = work.resolve("de");
            ProcessBuilder pb = new Script("TransportBench", "--role").command(REPO, null, "--quick", "-m", "pipe", "-s", "100", "-o", out.toString());
            pb.environment().put("JAVA_TOOL_OPTIONS", "-Duser.language=de -Duser.country=DE");
            Result r = run(pb, Duration.ofMinutes(3));
            check(r.code() == 0, "exit 0: " + r.err());
            check(Pattern.compile("\\d\\.\\d").matcher(r.out()).find() && !GERMAN_DECIMAL.matcher(r.out()).find(), "decimals with '.':\n" + r.out());
            ProcessBuilder report = new ProcessBuilder(JBANG, REPO.resolve("Report.java").toString(), "--out", out.toString()).directory(REPO.toFile());
            report.environment().put("JAVA_TOOL_OPTIONS", "-Duser.language=de -Duser.country=DE");
            Result rr = run(report, Duration.ofMinutes(3));
            check(rr.code() == 0, "Report exit 0: " + rr.err());
            String summary = Files.readString(out.resolve("summary.md"));
            check(Pattern.compile("\\d\\.\\d").matcher(summary).find() && !GERMAN_DECIMAL.matcher(summary).find(), "summary.md decimals with '.':\n" + summary);
        });

        deleteTree(work);
        System.exit(finish("HarnessTest"));
    }

    /** A comma before one, two or more than three digits: a decimal comma (Locale.ROOT's commas group thousands, three digits each). */
    static final Pattern GERMAN_DECIMAL = Pattern.compile("\\d,(\\d{1,2}|\\d{4,})(?!\\d)");

    static int indexOf(List<String> lines, String marker) {
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).strip().startsWith(marker)) return i;
        return -1;
    }

    /** The text of a script's harness block, markers included. */
    static String block(String text, String name) {
        int start = text.indexOf("// ---- harness block: " + name), end = text.indexOf("// ---- end of harness block: " + name);
        return start < 0 || end < 0 ? "" : text.substring(start, end);
    }

    static boolean throwsAny(Runnable r) {
        try {
            r.run();
            return false;
        } catch (RuntimeException e) {
            return true;
        }
    }
}
