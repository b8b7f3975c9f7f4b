//DEPS com.fasterxml.jackson.core:jackson-databind:2.22.4

/*
 * The suite's small test harness, pulled into each tests/*Test.java with //SOURCES Harness.java
 * (tests may share files; benchmark scripts may not). A test class extends Harness, calls test(...)
 * for each case and ends with System.exit(finish("Name")), which prints "N passed, N failed, N skipped".
 */

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

public class Harness {

    static final Path REPO = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    static final String JBANG = System.getenv().getOrDefault("JBANG", "jbang");
    static final ObjectMapper JSON = new ObjectMapper();
    /** Where the scripts keep this user's run folders: /dev/shm/ipcbench-<uid>, else the temp dir's; their semaphores' prefix. */
    static final Path SHM = Path.of("/dev/shm");
    static final String UID = uid();
    static final Path SUITE_FOLDER = (Files.isDirectory(SHM) && Files.isWritable(SHM) ? SHM : Path.of(System.getProperty("java.io.tmpdir"))).resolve("ipcbench-" + UID);
    static final String SEMAPHORES = "sem.ipcbench-" + UID + "-";

    static String uid() {
        try {
            return String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
    static final Path JDK25 = Stream.of("/usr/lib/jvm/temurin-25-jdk-amd64", "/usr/lib/jvm/java-25-openjdk-amd64")
            .map(Path::of).filter(p -> Files.isExecutable(p.resolve("bin/java"))).findFirst().orElse(null);

    interface Body { void run() throws Exception; }

    static final class Skip extends RuntimeException { Skip(String why) { super(why); } }

    static int passed, failed, skipped, leftOut;
    static String filter;
    /**
     * Set by .ci/run: on the second JDK, only the tests whose name matches TESTS_ONLY run (what can differ between
     * JDKs); on the first, the tests matching TESTS_SKIP are left to the second. TESTS_WHY says why, once per file.
     */
    static final Optional<java.util.regex.Pattern> ONLY = Optional.ofNullable(System.getenv("TESTS_ONLY")).map(java.util.regex.Pattern::compile);
    static final Optional<java.util.regex.Pattern> SKIP = Optional.ofNullable(System.getenv("TESTS_SKIP")).map(java.util.regex.Pattern::compile);

    /** Runs one test unless the name filter (first argument of the test script) or TESTS_ONLY / TESTS_SKIP leave it out. */
    static void test(String name, Body body) {
        if (filter != null && !name.contains(filter)) return;
        if (ONLY.map(p -> !p.matcher(name).find()).orElse(false) || SKIP.map(p -> p.matcher(name).find()).orElse(false)) {
            leftOut++;
            return;
        }
        long t0 = System.nanoTime();
        try {
            body.run();
            passed++;
            System.out.printf("PASS %s (%.1f s)%n", name, (System.nanoTime() - t0) / 1e9);
        } catch (Skip s) {
            skipped++;
            System.out.println("SKIP " + name + ": " + s.getMessage());
        } catch (Throwable e) {
            failed++;
            System.out.println("FAIL " + name + ": " + e);
            if (!(e instanceof AssertionError)) e.printStackTrace(System.out);
        }
    }

    static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError(what);
    }

    /** Prints the tally test.sh adds up; returns the exit code. */
    static int finish(String suite) {
        if (leftOut > 0) System.out.printf("%s: %d tests not run here: %s%n", suite, leftOut, System.getenv().getOrDefault("TESTS_WHY", "TESTS_ONLY / TESTS_SKIP"));
        System.out.printf("%s: %d passed, %d failed, %d skipped%n", suite, passed, failed, skipped);
        return failed == 0 ? 0 : 1;
    }

    record Result(int code, String out, String err, double seconds) {
        /** stderr without JBang's own build messages. */
        List<String> errLines() {
            return err.lines().filter(l -> !l.startsWith("[jbang]") && !l.isBlank()).toList();
        }
    }

    /** Runs a command to its end (killing it and its children past the limit), capturing stdout and stderr. */
    static Result run(ProcessBuilder pb, Duration limit) throws Exception {
        Path out = Files.createTempFile("test", ".out"), err = Files.createTempFile("test", ".err");
        long t0 = System.nanoTime();
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("still running after " + limit + ": " + String.join(" ", pb.command()));
        }
        Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err), (System.nanoTime() - t0) / 1e9);
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    /** A benchmark script as its tests drive it: by name (TransportBench), its child's role argument (--role=responder), whether a run keeps files in the suite folder. */
    record Script(String name, String childRole, boolean runFiles) {
        /** A script whose runs keep files in the suite folder. */
        Script(String name, String childRole) { this(name, childRole, true); }

        Path file() { return REPO.resolve(name + ".java"); }

        /**
         * The script run in dir with args: through jbang where dir holds a copy of it (the copy-alone test) or another JDK
         * is asked for, as a user runs it; else the JVM jbang would start for the repository's script, without jbang's
         * own JVM in front of it (javaCommand), which would add a second or two to each of hundreds of runs.
         */
        ProcessBuilder command(Path dir, Path javaHome, String... args) {
            List<String> cmd = new ArrayList<>();
            if (Files.exists(dir.resolve(name + ".java")) || javaHome != null) cmd.addAll(List.of(JBANG, Files.exists(dir.resolve(name + ".java")) ? name + ".java" : file().toString()));
            else {
                try {
                    cmd.addAll(javaCommand());
                } catch (Exception e) {
                    throw new IllegalStateException("cannot build " + name + ": " + e.getMessage(), e);
                }
            }
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
            if (javaHome != null) pb.environment().put("JAVA_HOME", javaHome.toString());
            return pb;
        }

        Result run(Path dir, Path javaHome, Duration limit, String... args) throws Exception {
            return Harness.run(command(dir, javaHome, args), limit);
        }

        /** The command jbang runs for the script (its java, runtime options, class path, main class), built once per test run. */
        List<String> javaCommand() throws Exception {
            List<String> known = JAVA_COMMANDS.get(name);
            if (known != null) return known;
            var tools = jbangTools(name);
            String javaHome = System.getenv().getOrDefault("JAVA_HOME", tools.path("availableJdkPath").asText());
            List<String> cmd = new ArrayList<>(List.of(Path.of(javaHome, "bin", "java").toString()));
            tools.path("runtimeOptions").forEach(o -> cmd.add(o.asText()));
            List<String> classPath = new ArrayList<>(List.of(tools.get("applicationJar").asText()));
            tools.get("resolvedDependencies").forEach(d -> classPath.add(d.asText()));
            cmd.addAll(List.of("-cp", String.join(":", classPath), tools.get("mainClass").asText()));
            JAVA_COMMANDS.put(name, cmd);
            return cmd;
        }

        /** This script's run folders and semaphores, as they are now. */
        Set<String> suiteEntries() throws IOException {
            Set<String> names = new TreeSet<>();
            for (Path dir : List.of(SUITE_FOLDER, SHM)) {
                if (!Files.isDirectory(dir)) continue;
                try (Stream<Path> s = Files.list(dir)) {
                    s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(name + "-") || n.startsWith(SEMAPHORES + name + "-")).forEach(names::add);
                }
            }
            return names;
        }

        /** The entries that appeared since `before` (another test's leftovers are not this run's). */
        Set<String> entriesSince(Set<String> before) throws IOException {
            Set<String> now = suiteEntries();
            now.removeAll(before);
            return now;
        }

        /** The children: the java processes started with the child's role somewhere below the jbang launcher. */
        List<ProcessHandle> children(Process launcher) {
            return launcher.descendants().filter(h -> arguments(h).contains(childRole)).toList();
        }

        /** The first child to appear. */
        ProcessHandle awaitChild(Process launcher, Duration limit) throws Exception {
            long until = System.nanoTime() + limit.toNanos();
            while (System.nanoTime() < until) {
                Optional<ProcessHandle> child = children(launcher).stream().findFirst();
                if (child.isPresent()) return child.get();
                if (!launcher.isAlive()) throw new AssertionError("the script ended before its child started, exit " + launcher.exitValue());
                Thread.sleep(100);
            }
            throw new AssertionError("no child within " + limit);
        }

        /**
         * Each case is bad input: exit 2, one line on stderr naming the option (the case's first word) and
         * the value (its second), nothing on stdout, nothing written in cwd and no run folder anywhere.
         */
        void rejects(Path cwd, List<String[]> cases) throws Exception {
            Set<String> before = suiteEntries();
            // The script's JVM itself, two at a time: jbang's own JVM in front of each case would double the test's time.
            List<String> jvm = javaCommand();
            var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            List<java.util.concurrent.Future<Result>> results = new ArrayList<>();
            for (String[] args : cases) {
                List<String> cmd = new ArrayList<>(jvm);
                cmd.addAll(List.of(args));
                results.add(pool.submit(() -> Harness.run(new ProcessBuilder(cmd).directory(cwd.toFile()), Duration.ofMinutes(2))));
            }
            pool.shutdown();
            for (int i = 0; i < cases.size(); i++) {
                String[] args = cases.get(i);
                Result r = results.get(i).get();
                String shown = String.join(" ", args);
                check(r.code() == 2, shown + ": exit 2, was " + r.code());
                check(r.errLines().size() == 1, shown + ": one line on stderr, was: " + r.errLines());
                check(r.errLines().get(0).contains(args[0]) && r.errLines().get(0).contains("'" + args[1] + "'"), shown + ": names option and value: " + r.errLines());
                check(r.out().isEmpty(), shown + ": nothing on stdout");
            }
            try (Stream<Path> left = Files.list(cwd)) {
                check(left.findAny().isEmpty(), "no results folder or file created");
            }
            check(suiteEntries().equals(before), "no run folder created: " + suiteEntries());
        }

        /**
         * --cleanup removes this script's dead run folder and names it on stdout; another script's dead run folder
         * (RedisBench's, with the pid file of the server only RedisBench may stop) and a live one of its own stay, unnamed.
         */
        void cleansOnlyItsOwn() throws Exception {
            Process gone = new ProcessBuilder("true").start();
            check(gone.waitFor(30, TimeUnit.SECONDS), "a process that ends");
            long dead = gone.pid();
            check(ProcessHandle.of(dead).isEmpty(), "pid " + dead + " has ended");
            Files.createDirectories(SUITE_FOLDER);
            String other = name.equals("RedisBench") ? "ShmBench" : "RedisBench";
            Path mineDead = Files.createDirectory(SUITE_FOLDER.resolve(name + "-" + dead + "-abcdef"));
            Files.writeString(mineDead.resolve("data"), "x");
            Path othersDead = Files.createDirectory(SUITE_FOLDER.resolve(other + "-" + dead + "-abcdef"));
            Files.writeString(othersDead.resolve("redis.pid"), "1");
            Path mineLive = Files.createDirectory(SUITE_FOLDER.resolve(name + "-" + ProcessHandle.current().pid() + "-abcdef"));
            // Semaphores live in /dev/shm itself: its own dead run's (a lone one, its folder gone), another script's, a live run's.
            Path shm = Path.of("/dev/shm");
            Path semMineDead = shm.resolve(SEMAPHORES + name + "-" + dead + "-fedcba-reply");
            Path semOthersDead = shm.resolve(SEMAPHORES + other + "-" + dead + "-fedcba-reply");
            Path semMineLive = shm.resolve(SEMAPHORES + name + "-" + ProcessHandle.current().pid() + "-abcdef-reply");
            for (Path p : List.of(semMineDead, semOthersDead, semMineLive)) Files.writeString(p, "s");
            try {
                Result r = run(REPO, null, Duration.ofMinutes(1), "--cleanup");
                check(r.code() == 0, "exit 0, was " + r.code() + ": " + r.err());
                check(!Files.exists(mineDead), "its dead run folder removed");
                check(r.out().startsWith("Removed") && r.out().contains(mineDead.toString()), "says what it removed: " + r.out());
                check(Files.exists(othersDead.resolve("redis.pid")), other + "'s dead run folder is " + other + "'s to remove");
                check(Files.exists(mineLive), "a live run's folder stays");
                check(!Files.exists(semMineDead) && r.out().contains(semMineDead.toString()), "its dead run's semaphore removed and named: " + r.out());
                check(Files.exists(semOthersDead) && Files.exists(semMineLive), "another script's semaphore and a live run's stay");
                check(!r.out().contains(othersDead.toString()) && !r.out().contains(mineLive.toString())
                        && !r.out().contains(semOthersDead.toString()) && !r.out().contains(semMineLive.toString()), "names only what it removed: " + r.out());
            } finally {
                for (Path p : List.of(mineDead, othersDead, mineLive, semMineDead, semOthersDead, semMineLive)) deleteTree(p);
            }
        }

        /** A results folder whose results.csv has other columns: bad input (see rejects), its reason given, the file unchanged, nothing written beside it. */
        void refusesAnotherSchema() throws Exception {
            Path work = Files.createTempDirectory("other-schema");
            Path outDir = Files.createDirectory(work.resolve("out"));
            Path csv = Files.writeString(outDir.resolve("results.csv"), "timestamp,bench,method,throughput\n2024-01-01T00:00:00Z,OldBench,x,1\n");
            byte[] before = Files.readAllBytes(csv);
            rejects(Files.createDirectory(work.resolve("cwd")), List.<String[]>of(new String[]{"--out", outDir.toString(), "--quick"}));
            Result r = run(work.resolve("cwd"), null, Duration.ofMinutes(1), "--out", outDir.toString(), "--quick");
            check(r.errLines().get(0).contains("results.csv has other columns"), "says why: " + r.errLines());
            check(Arrays.equals(Files.readAllBytes(csv), before), "results.csv unchanged");
            try (Stream<Path> files = Files.list(outDir)) {
                List<String> names = files.map(f -> f.getFileName().toString()).toList();
                check(names.equals(List.of("results.csv")), "nothing else written beside it: " + names);
            }
            deleteTree(work);
        }

        /**
         * The child killed with SIGKILL in the middle of a run of method started with args: the script exits 1
         * within 5 s, naming the method and the child's death by signal 9, and none of the run's files is left.
         * Prints how long the script took to end.
         */
        void killChildMidRun(Path work, String method, String... args) throws Exception {
            Path err = work.resolve("kill-" + method + ".err");
            Set<String> before = suiteEntries();
            Process launcher = command(REPO, null, args).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
            try {
                killChildOf(launcher, err, before, method);
            } finally {
                launcher.descendants().forEach(ProcessHandle::destroyForcibly);
                launcher.destroyForcibly();
            }
        }

        private void killChildOf(Process launcher, Path err, Set<String> before, String method) throws Exception {
            ProcessHandle child = awaitChild(launcher, Duration.ofMinutes(2));
            Thread.sleep(1500);    // mid-run
            Set<String> during = entriesSince(before);
            check(!during.isEmpty(), "a run folder exists while running");
            child.destroyForcibly();
            long t0 = System.nanoTime();
            boolean ended = launcher.waitFor(5, TimeUnit.SECONDS);
            double took = (System.nanoTime() - t0) / 1e9;
            check(ended, "the script still ran 5 s after its child died");
            String text = Files.readString(err);
            check(launcher.exitValue() == 1, "exit 1, was " + launcher.exitValue() + ": " + text);
            check(text.contains(method) && text.contains("killed by signal 9"), "names the method and the child's end: " + text);
            Set<String> after = suiteEntries();
            after.retainAll(during);
            check(after.isEmpty(), "files left in the suite folder: " + after);
            System.out.printf("     (ended %.2f s after the kill)%n", took);
        }

        /**
         * A child stopped with SIGSTOP in the middle of a run (alive, holding its files, silent), once the run has
         * written its first row to out: the script exits 1 within the --timeout it was given (plus 10 s to stop and
         * clean up), naming the method and the child (a word of its name: "responder", "consumer", "reader"); the
         * rows written before stay; the stopped child and every other process of the run are gone, and none of the
         * run's files is left. args must give --out out and leave a run going after the first row (a second run,
         * a second size). Returns the script's stderr; prints how long the script took to end after the stop.
         */
        String stopChildMidRun(Path work, Path out, String method, String childWord, Duration timeout, String... args) throws Exception {
            return stopChildAfter(row -> true, work, out, method, childWord, timeout, args);
        }

        /** stopChildMidRun, once a row of the method itself is written (ShmBench writes its reference's rows before any child starts). */
        String stopChildAfterRowOf(Path work, Path out, String method, String childWord, Duration timeout, String... args) throws Exception {
            return stopChildAfter(row -> row.contains("," + method + ","), work, out, method, childWord, timeout, args);
        }

        private String stopChildAfter(java.util.function.Predicate<String> firstRow, Path work, Path out, String method, String childWord, Duration timeout,
                                      String... args) throws Exception {
            Path err = work.resolve("stop-" + method + ".err");
            Set<String> before = suiteEntries();
            List<String> all = new ArrayList<>(List.of(args));
            all.addAll(List.of("--timeout", timeout.toSeconds() + "s"));
            Process launcher = command(REPO, null, all.toArray(String[]::new)).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
            List<ProcessHandle> run = new ArrayList<>();
            try {
                awaitChild(launcher, Duration.ofMinutes(2));
                Path csv = out.resolve("results.csv");
                long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                String producer = "-" + javaOf(launcher).pid() + "-";    // several runs may go at once: this one's files carry its pid
                while (!(Files.exists(csv) && Files.readAllLines(csv).stream().skip(1).anyMatch(firstRow))) {
                    check(launcher.isAlive(), "the script ended before its first row: " + Files.readString(err));
                    check(System.nanoTime() < until, "no row within 2 minutes");
                    Thread.sleep(50);
                }
                int rowsBefore = Files.readAllLines(csv).size() - 1;
                ProcessHandle child = children(launcher).stream().filter(ProcessHandle::isAlive).findFirst()
                        .orElseThrow(() -> new AssertionError("no child running after the first row: args must leave a run going"));
                Set<String> during = entriesSince(before);
                during.removeIf(name -> !name.contains(producer));
                if (runFiles) check(!during.isEmpty(), "a run folder exists while running");
                run.addAll(launcher.descendants().toList());
                new ProcessBuilder("kill", "-STOP", String.valueOf(child.pid())).start().waitFor();
                long t0 = System.nanoTime();
                long limit = timeout.toSeconds() + 10;
                boolean ended = launcher.waitFor(limit, TimeUnit.SECONDS);
                double took = (System.nanoTime() - t0) / 1e9;
                check(ended, "the script still ran " + limit + " s after its child was stopped");
                String text = Files.readString(err);
                check(launcher.exitValue() == 1, "exit 1, was " + launcher.exitValue() + ": " + text);
                check(text.contains(method) && text.contains(childWord), "names the method and the " + childWord + ": " + text);
                check(Files.readAllLines(csv).size() - 1 >= rowsBefore, "the rows written before the stop stay");
                for (ProcessHandle h : run)
                    check(h.onExit().completeOnTimeout(null, 5, TimeUnit.SECONDS).get() != null, "a process of the run still exists: " + h.pid() + " " + arguments(h));
                Set<String> after = suiteEntries();
                after.retainAll(during);
                check(after.isEmpty(), "files left in the suite folder: " + after);
                System.out.printf("     (%s: ended %.2f s after the stop, --timeout %ds)%n", method, took, timeout.toSeconds());
                return text;
            } finally {
                for (ProcessHandle h : run) if (h.isAlive()) new ProcessBuilder("kill", "-KILL", String.valueOf(h.pid())).start().waitFor();
                launcher.descendants().forEach(ProcessHandle::destroyForcibly);
                launcher.destroyForcibly();
            }
        }

        /**
         * Ctrl-C in the middle of a run started in cwd: the script ends within 5 s with exit code 130 (the
         * JVM's answer to SIGINT, not a crash), its children are gone, its files (where runFiles) are removed
         * and no crash log (hs_err_pid*.log) appeared in cwd.
         */
        void interruptMidRun(Path cwd, String... args) throws Exception {
            Set<String> before = suiteEntries();
            Process launcher = command(cwd, null, args).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                interrupt(launcher, cwd, before);
            } finally {
                launcher.descendants().forEach(ProcessHandle::destroyForcibly);
                launcher.destroyForcibly();
            }
        }

        private void interrupt(Process launcher, Path cwd, Set<String> before) throws Exception {
            awaitChild(launcher, Duration.ofMinutes(2));
            ProcessHandle java = javaOf(launcher);
            if (sigintIgnored(java.pid())) throw new Skip("SIGINT is ignored in this process tree (started in the background)");
            Thread.sleep(2000);    // mid-run: ZmqBench's workers take that long to register
            List<ProcessHandle> children = children(launcher);
            Set<String> during = entriesSince(before);
            if (runFiles) check(!during.isEmpty(), "the run's files exist while it runs");
            new ProcessBuilder("kill", "-INT", String.valueOf(java.pid())).start().waitFor();
            check(launcher.waitFor(5, TimeUnit.SECONDS), "still running 5 s after SIGINT");
            check(launcher.exitValue() == 130, "exit code 130 after SIGINT, was " + launcher.exitValue());
            for (ProcessHandle child : children)
                check(child.onExit().completeOnTimeout(null, 5, TimeUnit.SECONDS).get() != null, "a child still runs: " + child.pid());
            Set<String> left = suiteEntries();
            left.retainAll(during);
            check(left.isEmpty(), "files left: " + left);
            checkNoCrashLog(cwd);
        }

        /** The benchmark's own JVM: the process running the script without the child's role (jbang may exec into it). */
        ProcessHandle javaOf(Process launcher) {
            return Stream.concat(Stream.of(launcher.toHandle()), launcher.descendants())
                    .filter(h -> arguments(h).contains(name) && !arguments(h).contains(childRole))
                    .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false))
                    .findFirst().orElseThrow(() -> new AssertionError("no " + name + " JVM found"));
        }
    }

    /**
     * A process's arguments, from /proc/PID/cmdline: ProcessHandle.Info gives none once the command line
     * passes 4 KiB, as a java with a long class path does (ArrowBench's dozens of jars).
     */
    static List<String> arguments(ProcessHandle h) {
        try {
            String cmdline = Files.readString(Path.of("/proc/" + h.pid() + "/cmdline"), StandardCharsets.UTF_8);
            List<String> all = Arrays.asList(cmdline.split("\0"));
            return all.isEmpty() ? List.of() : all.subList(1, all.size());
        } catch (IOException | RuntimeException e) {
            return h.info().arguments().map(Arrays::asList).orElse(List.of());
        }
    }

    static final Map<String, List<String>> JAVA_COMMANDS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * What jbang knows of a script (`jbang info tools`: its jar, dependencies, main class, runtime options, JDK), after
     * building it; built again should the jar be gone (the script edited meanwhile).
     */
    static JsonNode jbangTools(String script) throws Exception {
        JsonNode tools = null;
        for (int tries = 0; tries < 3 && (tools == null || !Files.exists(Path.of(tools.get("applicationJar").asText()))); tries++) {
            Result build = run(new ProcessBuilder(JBANG, "build", REPO.resolve(script + ".java").toString()).directory(REPO.toFile()), Duration.ofMinutes(5));
            check(build.code() == 0, "jbang build " + script + ": " + build.err());
            Result info = run(new ProcessBuilder(JBANG, "info", "tools", REPO.resolve(script + ".java").toString()).directory(REPO.toFile()), Duration.ofMinutes(3));
            check(info.code() == 0, "jbang info tools " + script + ": " + info.err());
            tools = JSON.readTree(info.out());
        }
        return tools;
    }

    /** No JVM crashed with dir as its working directory, or below it (a SIGBUS on a mapped page of a full file system writes hs_err_pid*.log there). */
    static void checkNoCrashLog(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> crashes = files.filter(f -> f.getFileName().toString().startsWith("hs_err_pid")).toList();
            check(crashes.isEmpty(), "a JVM crashed: " + crashes);
        }
    }

    /** What a command left on a private tmpfs (files, and folders below the suite folder), as it ended. */
    record TmpfsRun(Result result, List<String> left) {}

    static Boolean mountsAllowed;

    /** A Skip unless this machine lets us mount a tmpfs in a mount namespace of our own (unshare -m: root, outside most containers). */
    static void requirePrivateMounts() throws Exception {
        if (mountsAllowed == null) {
            Result probe = run(new ProcessBuilder("unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt"), Duration.ofSeconds(30));
            mountsAllowed = probe.code() == 0;
            if (!mountsAllowed) mountRefusal = probe.err().strip();
        }
        if (!mountsAllowed) throw new Skip("this machine refuses a private tmpfs (unshare -m, mount -t tmpfs): " + mountRefusal);
    }

    static String mountRefusal = "";

    /**
     * Runs pb's command in a mount namespace of its own where `at` is a fresh tmpfs of `size` ("64m"), seen by
     * nobody else and gone when the command ends; says what was left on it. /dev/shm is a valid `at` (a container's).
     */
    static TmpfsRun runOnTmpfs(Path at, String size, ProcessBuilder pb, Duration limit) throws Exception {
        return runOnTmpfs(at, size, false, pb, limit);
    }

    /** runOnTmpfs, the tmpfs mounted read-only where readOnly. */
    static TmpfsRun runOnTmpfs(Path at, String size, boolean readOnly, ProcessBuilder pb, Duration limit) throws Exception {
        requirePrivateMounts();
        String script = "mount -t tmpfs -o " + (readOnly ? "ro," : "") + "size=" + size + " tmpfs \"$0\" || exit 99; \"$@\"; code=$?; "
                + "echo \"@@left $(find \"$0\" -mindepth 1 \\( -type f -o -path \"$0/*/*\" \\) | tr '\\n' ' ')\" >&2; exit $code";
        List<String> cmd = new ArrayList<>(List.of("unshare", "-m", "sh", "-c", script, at.toString()));
        cmd.addAll(pb.command());
        pb.command(cmd);
        Result r = run(pb, limit);
        check(r.code() != 99, "could not mount a tmpfs on " + at + ": " + r.err());
        String marker = r.err().lines().filter(l -> l.startsWith("@@left")).reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no @@left line: " + r.err()));
        List<String> left = Arrays.stream(marker.substring(6).strip().split(" ")).filter(x -> !x.isEmpty()).toList();
        String err = r.err().lines().filter(l -> !l.startsWith("@@left")).map(l -> l + "\n").reduce("", String::concat);
        return new TmpfsRun(new Result(r.code(), r.out(), err, r.seconds()), left);
    }

    /** The rows a run wrote to <out>/results.jsonl. */
    static List<JsonNode> rows(Path outDir) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(outDir.resolve("results.jsonl"))) rows.add(JSON.readTree(line));
        return rows;
    }

    /** A TCP port free a moment ago. */
    static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A pid no process has. */
    static long deadPid() {
        for (long pid = 4_000_000; ; pid--) if (ProcessHandle.of(pid).isEmpty()) return pid;
    }

    /** True where the shell started us in the background with SIGINT ignored, which children inherit. */
    static boolean sigintIgnored(long pid) throws IOException {
        String status = Files.readString(Path.of("/proc/" + pid + "/status"), StandardCharsets.UTF_8);
        String mask = status.lines().filter(l -> l.startsWith("SigIgn:")).findFirst().orElse("SigIgn: 0").substring(7).strip();
        return (Long.parseUnsignedLong(mask, 16) & (1L << 1)) != 0;  // bit 1 is SIGINT (signal 2)
    }

    /** What a page showed in the browser: its plots, every URL it asked for, its errors, its screenshot. */
    record PageView(List<JsonNode> plots, List<String> requests, List<String> errors, Path screenshot) {}

    /**
     * Headless Chromium driven over the DevTools protocol (a WebSocket on 127.0.0.1), for tests that
     * look at a page as a person would: after its scripts ran, with every request it made recorded.
     */
    static final class Browser implements AutoCloseable {
        final Process process;
        final Path profile;
        java.net.http.WebSocket socket;
        final List<JsonNode> events = Collections.synchronizedList(new ArrayList<>());
        final Map<Integer, java.util.concurrent.CompletableFuture<JsonNode>> replies = new java.util.concurrent.ConcurrentHashMap<>();
        final java.util.concurrent.atomic.AtomicInteger ids = new java.util.concurrent.atomic.AtomicInteger();

        /** Chromium from PATH, or a Skip saying why there is none. */
        static Path find() {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":"))
                for (String name : List.of("chromium", "chromium-browser", "google-chrome"))
                    if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) return Path.of(dir, name);
            throw new Skip("no chromium on PATH (Debian: apt-get install chromium; .ci/run installs it when run as root)");
        }

        Browser() throws Exception {
            Path chromium = find();
            profile = Files.createTempDirectory("chromium-profile");
            process = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                    "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--window-size=1280,1000", "about:blank")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            // Chromium names its DevTools endpoint on stderr; the rest of stderr is drained so it never blocks.
            var endpoint = new java.util.concurrent.CompletableFuture<String>();
            Thread drain = new Thread(() -> {
                try (var err = new java.io.BufferedReader(new java.io.InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                    StringBuilder seen = new StringBuilder();
                    for (String line; (line = err.readLine()) != null; ) {
                        if (line.contains("DevTools listening on ")) endpoint.complete(line.substring(line.indexOf("ws://")));
                        else if (!endpoint.isDone() && seen.length() < 2000) seen.append(line).append(" | ");
                    }
                    endpoint.completeExceptionally(new AssertionError("chromium ended without a DevTools endpoint: " + seen));
                } catch (IOException e) {
                    endpoint.completeExceptionally(e);
                }
            });
            drain.setDaemon(true);
            drain.start();
            try {
                java.net.URI browserUri = java.net.URI.create(endpoint.get(60, TimeUnit.SECONDS));
                var http = java.net.http.HttpClient.newHttpClient();
                String list = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + browserUri.getPort() + "/json/list"))
                                .timeout(Duration.ofSeconds(30)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                String page = null;
                for (JsonNode target : JSON.readTree(list)) if (target.path("type").asText().equals("page")) page = target.path("webSocketDebuggerUrl").asText();
                check(page != null, "chromium shows no page: " + list);
                socket = http.newWebSocketBuilder().buildAsync(java.net.URI.create(page), new java.net.http.WebSocket.Listener() {
                    final StringBuilder message = new StringBuilder();

                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
                        message.append(data);
                        if (last) {
                            try {
                                JsonNode m = JSON.readTree(message.toString());
                                if (m.has("id")) Optional.ofNullable(replies.remove(m.get("id").asInt())).ifPresent(f -> f.complete(m));
                                else events.add(m);
                            } catch (IOException e) {
                                events.add(JSON.createObjectNode().put("method", "unreadable").put("text", message.toString()));
                            }
                            message.setLength(0);
                        }
                        ws.request(1);
                        return null;
                    }

                    @Override
                    public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket ws, int status, String reason) {
                        failAll(new AssertionError("chromium closed its DevTools connection: " + status + " " + reason));
                        return null;
                    }

                    @Override
                    public void onError(java.net.http.WebSocket ws, Throwable error) {
                        failAll(error);
                    }
                }).get(30, TimeUnit.SECONDS);
            } catch (Exception | AssertionError e) {
                close();
                throw e;
            }
        }

        /** Ends every call still waiting for its reply: the browser has gone. */
        void failAll(Throwable why) {
            replies.values().forEach(f -> f.completeExceptionally(why));
            replies.clear();
        }

        /** One DevTools command; its result, or an AssertionError with the browser's error. */
        JsonNode call(String method, Map<String, Object> params) throws Exception {
            int id = ids.incrementAndGet();
            var reply = new java.util.concurrent.CompletableFuture<JsonNode>();
            replies.put(id, reply);
            socket.sendText(JSON.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true).get(30, TimeUnit.SECONDS);
            JsonNode r = reply.get(60, TimeUnit.SECONDS);
            check(!r.has("error"), method + ": " + r.get("error"));
            return r.path("result");
        }

        /** A JavaScript expression's value in the page, as JSON. */
        JsonNode evaluate(String expression) throws Exception {
            JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
            check(!r.has("exceptionDetails"), expression + " threw " + r.get("exceptionDetails"));
            return r.path("result").path("value");
        }

        List<JsonNode> events(String method) {
            synchronized (events) {
                return events.stream().filter(e -> e.path("method").asText().equals(method)).toList();
            }
        }

        /**
         * Opens a local page, waits until every div.plot holds plotly's SVG (or 60 s), and returns each
         * plot as JSON (id, title, svgs, traces, points, drawnTitle), every URL requested, the errors
         * (exceptions, failed loads, console errors) and a full-page screenshot written to `screenshot`.
         */
        PageView open(Path page, Path screenshot) throws Exception {
            for (String domain : List.of("Network", "Page", "Runtime", "Log")) call(domain + ".enable", Map.of());
            call("Page.navigate", Map.of("url", page.toUri().toString()));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (events("Page.loadEventFired").isEmpty() && System.nanoTime() < until) Thread.sleep(100);
            check(!events("Page.loadEventFired").isEmpty(), "the page did not load within 60 s: " + page);
            String drawn = "(() => { const p = [...document.querySelectorAll('div.plot')];"
                    + " return location.protocol === 'file:' && document.readyState === 'complete' && p.every(d => d.querySelector('svg.main-svg')); })()";
            while (!evaluate(drawn).asBoolean() && System.nanoTime() < until) Thread.sleep(200);
            JsonNode plots = JSON.readTree(evaluate("JSON.stringify([...document.querySelectorAll('div.plot')].map(d => ({id: d.id,"
                    + " title: d.dataset.title, svgs: d.querySelectorAll('svg.main-svg').length,"
                    + " traces: d.querySelectorAll('.scatterlayer .trace').length, points: d.querySelectorAll('.scatterlayer .point').length,"
                    + " emptyTraces: [...d.querySelectorAll('.scatterlayer .trace')].filter(t => !t.querySelector('.point')).length,"
                    + " drawnTitle: (d.querySelector('.gtitle') || {}).textContent || ''})))").asText());
            int height = Math.min(16000, evaluate("document.documentElement.scrollHeight").asInt());
            call("Emulation.setDeviceMetricsOverride", Map.of("width", 1280, "height", height, "deviceScaleFactor", 1, "mobile", false));
            String png = call("Page.captureScreenshot", Map.of("format", "png")).path("data").asText();
            Files.write(screenshot, Base64.getDecoder().decode(png));
            List<String> requests = events("Network.requestWillBeSent").stream().map(e -> e.path("params").path("request").path("url").asText()).toList();
            List<String> errors = new ArrayList<>();
            events("Runtime.exceptionThrown").forEach(e -> errors.add("exception: " + e.path("params").path("exceptionDetails")));
            events("Network.loadingFailed").forEach(e -> errors.add("failed load: " + e.path("params")));
            events("Log.entryAdded").stream().filter(e -> e.path("params").path("entry").path("level").asText().equals("error"))
                    .forEach(e -> errors.add("log: " + e.path("params").path("entry").path("text").asText()));
            events("Runtime.consoleAPICalled").stream().filter(e -> e.path("params").path("type").asText().equals("error"))
                    .forEach(e -> errors.add("console: " + e.path("params").path("args")));
            List<JsonNode> list = new ArrayList<>();
            plots.forEach(list::add);
            return new PageView(list, requests, errors, screenshot);
        }

        @Override
        public void close() throws IOException {
            if (socket != null) socket.abort();
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try { process.waitFor(10, TimeUnit.SECONDS); } catch (InterruptedException ignored) { }
            deleteTree(profile);
        }
    }

    /**
     * A report page checked in Chromium as a person would see it: every div.plot drawn by plotly with
     * its title and at least one trace, no request other than file: and data: URLs, no script error,
     * and a screenshot that is not blank. The screenshot is kept at screenshot, and named on stdout.
     */
    static PageView checkReportInBrowser(Path html, Path screenshot) throws Exception {
        try (Browser browser = new Browser()) {
            PageView view = browser.open(html, screenshot);
            System.out.println("     (screenshot: " + screenshot + ", " + view.plots().size() + " plots)");
            check(!view.plots().isEmpty(), "the page has plots");
            for (JsonNode plot : view.plots()) {
                check(plot.path("svgs").asInt() > 0, "plotly drew no SVG in " + plot);
                check(plot.path("traces").asInt() > 0 && plot.path("emptyTraces").asInt() == 0, "a plot or a trace of it without points: " + plot);
                check(plot.path("drawnTitle").asText().equals(plot.path("title").asText()), "its title drawn: " + plot);
            }
            List<String> away = view.requests().stream().filter(u -> !u.startsWith("file:") && !u.startsWith("data:")).toList();
            check(away.isEmpty(), "requests that leave the machine: " + away);
            check(view.errors().isEmpty(), "errors in the page: " + view.errors());
            java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(screenshot.toFile());
            Set<Integer> colours = new HashSet<>();
            for (int y = 0; y < image.getHeight(); y += 7) for (int x = 0; x < image.getWidth(); x += 7) colours.add(image.getRGB(x, y));
            check(colours.size() > 20, "the screenshot is nearly blank: " + colours.size() + " colours");
            return view;
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
