///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Summarizes a results folder of the IPC benchmark suite: markdown tables of method x size per experiment and an offline HTML page of plots
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.22.4
//DEPS tech.tablesaw:tablesaw-jsplot:0.44.4
//DEPS org.webjars.npm:plotly.js-dist:2.35.3
//DEPS org.slf4j:slf4j-nop:2.0.17

/*
 * Report: reads <out>/results.jsonl (the rows every *Bench.java script appends) and writes
 *   <out>/summary.md   per experiment, a table of method x size of the headline figure, printed too;
 *   <out>/report.html  the same tables and plots of them (tablesaw-jsplot), which work offline:
 *                      plotly.js comes from Maven Central (a WebJar) and is written beside it.
 * run_all.sh calls it at the end; run it alone on any results folder:
 *
 *   jbang Report.java --out results
 *   jbang Report.java --out results --since 2026-11-22T23:00:00Z --failed ShmBench
 *   jbang Report.java --compare results-before results-after      (B/A per cell; -o DIR also writes DIR/compare.md)
 *
 * The headline figure is the median over the runs of the p50 round trip for "rtt" rows (lower is
 * better; their p99 follows in a table of its own), else of MB/s (higher is better), with the
 * spread of the runs; the best of each size in bold. A second table gives each method's ratio to the fastest, a third, where the experiment has
 * a limit-* row (the machine's limit, e.g. limit-memcpy), each method's share of it. Cells whose
 * rows were not verified, or counted errors, are marked ✗ and listed. The page plots, per
 * experiment, the headline against the message size (log axes; dictionary read and write times
 * against the entries for LmdbBench) and the latency percentiles p50..p99.9 of each method.
 * Bad input is exit 2 with one line naming the folder, file or line.
 */

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.plotly.components.Axis;
import tech.tablesaw.plotly.components.Config;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.components.Margin;
import tech.tablesaw.plotly.traces.ScatterTrace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.*;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

@Command(name = "Report", mixinStandardHelpOptions = true, version = "Report 1.1",
        description = "Summarizes <out>/results.jsonl into one table per experiment, printed and written to <out>/summary.md, "
                + "and plots it in <out>/report.html (offline: plotly.js is written beside it).")
public class Report implements Callable<Integer> {

    /** The suite's scripts in run_all.sh's order; any other bench follows alphabetically. */
    static final List<String> ORDER = List.of("TransportBench", "ShmBench", "ZmqBench", "ArrowBench", "RedisBench", "LmdbBench");
    /** The plotly.js of the //DEPS WebJar. tablesaw writes titles as plain strings, which plotly 3 no longer draws; 2.x does. */
    static final String PLOTLY = "plotly-2.35.3.js", PLOTLY_RESOURCE = "META-INF/resources/webjars/plotly.js-dist/2.35.3/plotly.js";

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "results", description = "Results folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--since", paramLabel = "INSTANT", description = "Only rows with a timestamp at or after this ISO-8601 instant, e.g. 2026-11-22T23:00:00Z.")
    String since;

    @Option(names = "--failed", paramLabel = "NAME", description = "A script that failed, listed at the end of the summary (repeatable).")
    List<String> failed = new ArrayList<>();

    @Option(names = "--compare", arity = "2", paramLabel = "DIR", description = "Compare two results folders, A then B: each cell as A -> B and B/A. "
            + "Printed; also written to <out>/compare.md when --out is given.")
    List<Path> compare;

    @Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Report());
        cli.setParameterExceptionHandler((ex, argv) -> {       // one line, no usage dump
            ex.getCommandLine().getErr().println("Report: " + ex.getMessage());
            return ExitCode.USAGE;
        });
        cli.setExecutionExceptionHandler((ex, cl, parsed) -> {  // e.g. summary.md not writable
            cl.getErr().println("Report: " + ex);
            return ExitCode.SOFTWARE;
        });
        System.exit(cli.execute(args));
    }

    // ---------------------------------------------------------------- the rows

    /**
     * One row of results.jsonl: what the summary needs, plus the whole object. Its size is the
     * payload's bytes, or for a dictionary (a row with "entries", LmdbBench) its entries, whose
     * encoded bytes vary a little with the version written.
     */
    record Row(Instant time, String bench, String pattern, String payload, String method, String waits, long size, boolean entries,
               boolean rtt, double value, boolean ok, boolean reference, JsonNode json) {
        /** A number of the row, NaN when absent. */
        double number(String field) {
            JsonNode n = json.path(field);
            return n.isNumber() ? n.asDouble() : Double.NaN;
        }
    }

    /** The runs of one (bench, pattern, payload, method, size): the headline's median and interval over the runs (Interval). */
    record Cell(List<Row> runs, Interval interval, boolean ok) {
        static Cell of(List<Row> runs) {
            return new Cell(runs, Interval.of(runs.stream().map(Row::value).toList()), runs.stream().allMatch(Row::ok));
        }

        double median() { return interval.median(); }

        /** The median of another figure of the rows (cpu_cores, say). */
        double median(String field) { return Report.median(runs, r -> r.number(field)); }
    }

    /**
     * One experiment: the rows of one (bench, pattern, payload, headline), in cells per method and size.
     * The best of each size is the best verified method's cell (if none is verified, the best of the rest),
     * never a reference (kind=reference: a limit-* row, threads of one process, a server's own tool).
     */
    record Experiment(String bench, String pattern, String payload, String variant, boolean rtt, boolean entries, List<Long> sizes,
                      Map<String, Map<Long, Cell>> cells, Set<String> references, Map<Long, Cell> best) {
        /** variant: what tells this experiment from the script's others beyond pattern and payload ("batch 64, 4 peers, "), or "". */
        static Experiment of(List<Row> rows, String variant) {
            Row any = rows.get(0);
            List<Long> sizes = rows.stream().map(Row::size).distinct().sorted().toList();
            Map<String, Map<Long, Cell>> cells = new LinkedHashMap<>();     // methods in first-seen order
            group(rows.stream(), Row::method).forEach((method, rs) -> cells.put(method,
                    group(rs.stream(), Row::size).entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> Cell.of(e.getValue())))));
            Set<String> references = rows.stream().filter(Row::reference).map(Row::method).collect(Collectors.toCollection(TreeSet::new));
            Map<Long, Cell> best = new HashMap<>();
            for (long size : sizes) {
                List<Cell> methods = cells.entrySet().stream().filter(e -> !references.contains(e.getKey()))
                        .map(e -> e.getValue().get(size)).filter(Objects::nonNull).toList();
                List<Cell> contenders = methods.stream().anyMatch(Cell::ok) ? methods.stream().filter(Cell::ok).toList() : methods;
                Comparator<Cell> faster = Comparator.comparingDouble(Cell::median);
                contenders.stream().filter(c -> Double.isFinite(c.median())).min(any.rtt ? faster : faster.reversed()).ifPresent(c -> best.put(size, c));
            }
            return new Experiment(any.bench, any.pattern, any.payload, variant, any.rtt, any.entries, sizes, cells, references, best);
        }

        List<Row> rows() { return cells.values().stream().flatMap(m -> m.values().stream()).flatMap(c -> c.runs.stream()).toList(); }

        /** Whether some row measures this lat_kind of the suite schema (rtt, one-way, read, write; none has no latency). */
        boolean measures(String latKind) { return rows().stream().anyMatch(r -> r.json.path("lat_kind").asText("").equals(latKind)); }

        String title() {
            int runs = cells.values().stream().flatMap(m -> m.values().stream()).mapToInt(c -> c.runs.size()).min().orElse(1);
            int most = cells.values().stream().flatMap(m -> m.values().stream()).mapToInt(c -> c.runs.size()).max().orElse(1);
            double confidence = Interval.coverage(runs, 1);
            for (int j = 2; j <= (runs + 1) / 2 && Interval.coverage(runs, j) >= Interval.LEVEL; j++) confidence = Interval.coverage(runs, j);
            return (pattern.isEmpty() ? "" : pattern + ", ") + (payload.isEmpty() ? "" : payload + " payload, ") + variant
                    + (rtt ? "RTT p50 µs (lower is better)" : "MB/s (higher is better)")
                    + (most > 1 ? ", median of " + (runs == most ? runs : runs + " to " + most) + " runs [its interval, "
                    + String.format(Locale.ROOT, "%.0f%%", confidence * 100) + " confidence" + (runs == most ? "" : " or more") + "]" : "");
        }

        boolean isReference(String method) { return references.contains(method); }

        /** A method whose interval overlaps the fastest method's: not distinguishable from it with these runs. */
        boolean tiesBest(String method, long size, Cell c) {
            Cell b = best.get(size);
            return b != null && c != b && !isReference(method) && c.interval.overlaps(b.interval);
        }

        /** The same experiment in another folder: same pattern, payload, variant and headline. */
        boolean sameAs(Experiment o) {
            return pattern.equals(o.pattern) && payload.equals(o.payload) && variant.equals(o.variant) && rtt == o.rtt && entries == o.entries;
        }

        /** How many times slower than the best method of its size. */
        double slower(Cell c, long size) {
            Cell b = best.get(size);
            return b == null ? Double.NaN : rtt ? c.median() / b.median() : b.median() / c.median();
        }

        /** The first limit-* method, if the experiment has one. */
        Optional<String> limit() { return cells.keySet().stream().filter(Report::isLimit).findFirst(); }

        /** What a cell of a method x size table says: null for nothing ("–"). */
        interface CellText { String of(String method, long size, Cell cell); }

        /** A table of method x size with a header: one line per method that `include` takes, ✗ after a cell not verified. */
        List<List<String>> table(boolean withWait, java.util.function.Predicate<String> include, CellText text) {
            List<List<String>> t = new ArrayList<>(List.of(withWait ? header("method", "wait") : header("method")));
            cells.forEach((method, bySize) -> {
                if (!include.test(method)) return;
                List<String> line = new ArrayList<>(List.of(method + (isReference(method) ? " (reference)" : "")));
                if (withWait) line.add(distinctOf(bySize.values().stream().flatMap(c -> c.runs.stream()).toList(), r -> r.waits));
                for (long size : sizes) {
                    Cell c = bySize.get(size);
                    String cell = c == null ? null : text.of(method, size, c);
                    line.add(cell == null ? "–" : cell + (c.ok ? "" : " ✗"));
                }
                t.add(line);
            });
            return t;
        }

        /**
         * The figures with their interval ("~" first where the runs spread more than 10%), the best method of each
         * size in **bold**, "≈" after a method not distinguishable from it.
         */
        List<List<String>> figures() {
            return table(true, m -> true, (method, size, c) -> {
                String figure = c.interval.text();
                return c.ok && c == best.get(size) ? "**" + figure + "**" : figure + (tiesBest(method, size, c) ? " ≈" : "");
            });
        }

        /** What each cell costs in CPU: cores busy during the window and µs of CPU per message (medians over the runs). */
        List<List<String>> cpu() {
            return table(false, m -> true, (method, size, c) -> {
                double cores = c.median("cpu_cores"), perMessage = c.median("cpu_us_per_msg");
                return Double.isNaN(cores) ? null : fmt(cores) + " cores, " + fmt(perMessage) + " µs";
            });
        }

        /** Round trips: the p99 of each method and size (median over the runs), the tail beside the p50 headline. */
        List<List<String>> p99() {
            return table(false, m -> true, (method, size, c) -> {
                double p99 = median(c.runs, r -> r.number("lat_p99_us"));
                return Double.isNaN(p99) ? null : fmt(p99);
            });
        }

        /** Each method's times slower than the fastest method of its size; references are not ranked. */
        List<List<String>> ratios() {
            return table(false, m -> true, (method, size, c) -> isReference(method) ? "reference"
                    : times(slower(c, size)) + (tiesBest(method, size, c) ? " ≈" : ""));
        }

        /** Each method's share of the machine's limit of its size (rtt: the limit's time over the method's). */
        List<List<String>> limitShares(String limit) {
            Map<Long, Cell> reference = cells.get(limit);
            return table(false, m -> !isReference(m), (method, size, c) -> {
                Cell l = reference.get(size);
                if (l == null || l.median() == 0 || c.median() == 0) return null;
                double share = 100 * (rtt ? l.median() / c.median() : c.median() / l.median());
                return String.format(Locale.ROOT, share >= 10 ? "%.0f%%" : share >= 1 ? "%.1f%%" : "%.2f%%", share);
            });
        }

        /** What the experiment shows under its title, in order: the same for summary.md and report.html. */
        List<Block> blocks() {
            List<Block> b = new ArrayList<>(List.of(new Block("", figures(), 2, List.of())));
            if (rtt) b.add(new Block("RTT p99 µs:", p99(), 1, List.of()));
            if (cells.size() > 1) b.add(new Block("Times slower than the fastest method of each size (≈: not distinguishable from it):", ratios(), 1, List.of()));
            if (rows().stream().anyMatch(r -> !Double.isNaN(r.number("cpu_cores"))))
                b.add(new Block("CPU cost: cores busy during the measured window, CPU µs per message (all processes of the run):", cpu(), 1, List.of()));
            limit().ifPresent(l -> b.add(new Block("Share of the machine's limit (" + l + "):", limitShares(l), 1, List.of())));
            List<String> problems = problems(), notes = notes();
            if (!problems.isEmpty()) b.add(new Block("Not verified or with errors (a benchmark that moves wrong bytes is not ranked):", null, 0, problems));
            if (!notes.isEmpty()) b.add(new Block("Notes:", null, 0, notes));
            return b;
        }

        List<String> header(String... first) {
            return Stream.concat(Stream.of(first), sizes.stream().map(this::label)).toList();
        }

        String label(long size) { return entries ? String.format(Locale.ROOT, "%,d entries", size) : Units.size(size); }

        List<String> problems() {
            List<String> p = new ArrayList<>();
            cells.forEach((method, bySize) -> bySize.forEach((size, c) -> c.runs.stream().filter(r -> !r.ok).forEach(r ->
                    p.add(String.format("✗ %s at %s, run %d: verified=%s, errors=%d", method, label(size),
                            r.json.path("run").asInt(1), r.json.path("verified").asText(), r.json.path("errors").asLong(0))))));
            return p;
        }

        /** Each method's note, from its first row (later runs' notes differ only in their counts). */
        List<String> notes() {
            List<String> n = new ArrayList<>();
            cells.forEach((method, bySize) -> bySize.values().stream().flatMap(c -> c.runs.stream())
                    .map(r -> r.json.path("note").asText("")).filter(s -> !s.isBlank()).findFirst().ifPresent(note -> n.add(method + ": " + note)));
            return n;
        }
    }

    /** A caption, then a table (its first `left` columns are text) or a list. */
    record Block(String caption, List<List<String>> table, int left, List<String> items) {}

    /** The rows of a results folder, grouped into experiments in the suite's order, with the environment they ran in. */
    record Results(Path folder, List<Row> rows, Map<String, List<Experiment>> byBench) {
        static Results of(Path folder, List<Row> rows) {
            Map<String, List<Row>> benches = group(rows.stream(), Row::bench);
            Map<String, List<Experiment>> byBench = new LinkedHashMap<>();
            benches.keySet().stream()
                    .sorted(Comparator.comparingInt((String b) -> ORDER.contains(b) ? ORDER.indexOf(b) : ORDER.size()).thenComparing(b -> b))
                    .forEach(b -> {
                        // Rows of another batch or number of peers are another experiment, not more runs of the same.
                        List<Row> rs = benches.get(b);
                        boolean batches = rs.stream().map(r -> r.number("batch")).distinct().count() > 1;
                        boolean peers = rs.stream().map(r -> r.number("peers")).distinct().count() > 1;
                        byBench.put(b, group(rs.stream(), r -> List.of(r.pattern, r.payload, r.rtt, r.entries, r.number("batch"), r.number("peers")))
                                .values().stream().map(x -> Experiment.of(x, (batches ? "batch " + (long) x.get(0).number("batch") + ", " : "")
                                        + (peers ? (long) x.get(0).number("peers") + " peers, " : ""))).toList());
                    });
            return new Results(folder, rows, byBench);
        }

        /** Label and value of each line of the environment (time, host, OS, JDK, libraries per script). */
        List<String[]> environment() {
            List<String[]> env = new ArrayList<>();
            if (rows.isEmpty()) return env;
            Instant first = rows.stream().map(Row::time).min(Comparator.naturalOrder()).orElseThrow();
            Instant last = rows.stream().map(Row::time).max(Comparator.naturalOrder()).orElseThrow();
            env.add(new String[]{"Time", first.truncatedTo(ChronoUnit.SECONDS) + " to " + last.truncatedTo(ChronoUnit.SECONDS) + " (" + rows.size() + " rows)"});
            String cores = distinct(rows, "cores");
            env.add(new String[]{"Host", Stream.of(distinct(rows, "host"), distinct(rows, "cpu"), cores.isEmpty() ? "" : cores + " cores")
                    .filter(s -> !s.isEmpty()).collect(Collectors.joining(", "))});
            env.add(new String[]{"OS", distinct(rows, "os")});
            env.add(new String[]{"JDK", distinct(rows, "jdk")});
            byBench.forEach((bench, experiments) -> env.add(new String[]{"Libraries of " + bench,
                    distinct(experiments.stream().flatMap(e -> e.rows().stream()).toList(), "libs")}));
            env.removeIf(e -> e[1].isBlank());
            return env;
        }
    }

    // ---------------------------------------------------------------- the command

    @Override
    public Integer call() throws IOException {
        Instant from = parseSince();
        if (compare != null) return compare(from);
        // With scripts listed as failed, a folder without rows still gets a report saying so.
        Results results = Results.of(out, rowsOf(out, "--out", from, !failed.isEmpty()));
        String summary = markdown(results);
        Files.writeString(out.resolve("summary.md"), summary);
        writeHtml(results, out);
        System.out.print(summary);
        System.out.println("\nSummary in " + out.resolve("summary.md") + ", plots in " + out.resolve("report.html"));
        return ExitCode.OK;
    }

    Instant parseSince() {
        try {
            return since == null ? null : Instant.parse(since);
        } catch (DateTimeParseException e) {
            throw bad("Invalid value for option '--since': '" + since + "' is not an ISO-8601 instant such as 2026-11-22T23:00:00Z");
        }
    }

    ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** The rows of the folder an option names (since `from`, if given); none is bad input unless `mayBeEmpty`. */
    List<Row> rowsOf(Path folder, String option, Instant from, boolean mayBeEmpty) throws IOException {
        if (!Files.isDirectory(folder)) throw bad("Invalid value for option '" + option + "': folder '" + folder + "' does not exist");
        Path file = folder.resolve("results.jsonl");
        boolean exists = Files.isRegularFile(file);
        if (!exists && !mayBeEmpty) throw bad("No " + file + ": the folder holds no results; run a benchmark script first");
        List<Row> rows = exists ? read(file, from) : List.of();
        if (rows.isEmpty() && !mayBeEmpty) throw bad("No rows in " + file + (from == null ? "" : " since " + from));
        return rows;
    }

    List<Row> read(Path file, Instant from) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw bad(file + " is not a results file: it is not UTF-8 text");
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            try {
                JsonNode n = json.readTree(lines.get(i));
                for (String key : List.of("timestamp", "bench", "method", "size_bytes", "verified"))
                    if (!n.hasNonNull(key)) throw new IllegalArgumentException("no '" + key + "'");
                Instant time = Instant.parse(n.get("timestamp").asText());
                if (from != null && time.isBefore(from)) continue;
                boolean rtt = "rtt".equals(n.path("lat_kind").asText());
                JsonNode value = n.path(rtt ? "lat_p50_us" : "mb_per_s");
                if (!value.isNumber()) throw new IllegalArgumentException("'" + (rtt ? "lat_p50_us" : "mb_per_s") + "' is not a number");
                if (!n.get("size_bytes").isNumber()) throw new IllegalArgumentException("'size_bytes' is not a number");
                boolean entries = n.path("entries").isNumber();
                // Rows written before the kind column: a limit-* method was the only reference.
                boolean reference = n.has("kind") ? "reference".equals(n.path("kind").asText()) : isLimit(n.get("method").asText());
                rows.add(new Row(time, n.get("bench").asText(), n.path("pattern").asText(""), n.path("payload").asText(""),
                        n.get("method").asText(), n.path("wait").asText(""), (entries ? n.get("entries") : n.get("size_bytes")).asLong(),
                        entries, rtt, value.asDouble(),
                        n.get("verified").asBoolean() && n.path("errors").asLong(0) == 0, reference, n));
            } catch (IOException | RuntimeException e) {
                String why = Objects.requireNonNullElse(e.getMessage(), e.toString()).lines().findFirst().orElse("");
                throw bad(file + " line " + (i + 1) + " is not a results row: " + why);
            }
        }
        return rows;
    }

    // ---------------------------------------------------------------- summary.md

    static final String HOW_TO_READ = "How to read: each cell is the median of the runs and, in brackets, the interval of that median from the "
            + "runs' order statistics (distribution-free): a 95% confidence interval with 6 runs or more; with fewer it is the runs' "
            + "whole range, whose confidence is lower (75% with 3 runs: run -r 6 or --runs auto for 95%). "
            + "~ marks a cell whose runs spread more than ±10% around the median. ≈ marks a method whose interval overlaps the "
            + "fastest method's: the two are not distinguishable here. A (reference) row is not a way for two processes to talk "
            + "(the machine's limit, threads of one process, a server's own tool): shown beside the methods, never ranked. "
            + "CPU cost counts every process of the run: 2 cores on a 2-core machine means both were busy throughout (spinning).";

    String markdown(Results results) {
        StringBuilder md = new StringBuilder("# IPC benchmark summary\n\n");
        if (results.rows.isEmpty()) md.append("No results were written.\n\n");
        results.environment().forEach(e -> md.append("- ").append(e[0]).append(": ").append(e[1]).append("\n"));
        if (!results.rows.isEmpty()) md.append("\n").append(HOW_TO_READ).append("\n\n");
        results.byBench.forEach((bench, experiments) -> {
            md.append("## ").append(bench).append("\n\n");
            for (Experiment x : experiments) {
                md.append("### ").append(x.title()).append("\n\n");
                for (Block b : x.blocks()) {
                    if (!b.caption.isEmpty()) md.append(b.caption).append("\n\n");
                    if (b.table != null) md.append(markdown(b.table, b.left)).append("\n");
                    else md.append(b.items.stream().map(i -> "- " + i).collect(Collectors.joining("\n"))).append("\n\n");
                }
            }
        });
        md.append(failed.isEmpty() ? "All scripts succeeded.\n" : "Failed scripts: " + String.join(", ", failed) + "\n");
        return md.toString();
    }

    /** An aligned markdown table: the first {@code left} columns left-aligned, the rest right-aligned. */
    static String markdown(List<List<String>> table, int left) {
        int[] width = new int[table.get(0).size()];
        table.forEach(line -> { for (int i = 0; i < width.length; i++) width[i] = Math.max(Math.max(width[i], 3), line.get(i).length()); });
        StringBuilder s = new StringBuilder();
        for (int l = 0; l < table.size(); l++) {
            for (int i = 0; i < width.length; i++) {
                String cell = table.get(l).get(i), pad = " ".repeat(width[i] - cell.length());
                s.append("| ").append(i < left ? cell + pad : pad + cell).append(' ');
            }
            s.append("|\n");
            if (l == 0) {
                for (int i = 0; i < width.length; i++) s.append("|").append(i < left ? ":" + "-".repeat(width[i] + 1) : "-".repeat(width[i] + 1) + ":");
                s.append("|\n");
            }
        }
        return s.toString();
    }

    // ---------------------------------------------------------------- report.html

    /** A plot of the page: its title and the tablesaw figure. */
    record Plot(String title, Figure figure) {}

    void writeHtml(Results results, Path folder) throws IOException {
        Path plotly = folder.resolve(PLOTLY);
        try (InputStream in = Objects.requireNonNull(Report.class.getClassLoader().getResourceAsStream(PLOTLY_RESOURCE),
                "plotly.js is not on the class path: " + PLOTLY_RESOURCE)) {
            Files.copy(in, plotly, StandardCopyOption.REPLACE_EXISTING);
        }
        StringBuilder h = new StringBuilder("""
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="UTF-8">
                <title>IPC benchmark report</title>
                <script src="%s"></script>
                <style>
                  body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; }
                  table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.9em; }
                  th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; }
                  th { background: #f3f3f3; } td.num, th.num { text-align: right; }
                  .plots { display: flex; flex-wrap: wrap; gap: 1em; }
                  .plot { width: 580px; height: 400px; }
                  .failed { color: #b00; }
                  nav a { margin-right: 1em; }
                </style>
                </head>
                <body>
                <h1>IPC benchmark report</h1>
                """.formatted(PLOTLY));
        List<String[]> env = results.environment();
        if (!env.isEmpty()) {
            h.append("<ul>\n");
            // Each script's jars make a long list: folded, to be opened.
            env.forEach(e -> h.append(e[0].startsWith("Libraries")
                    ? "<li><details><summary>" + escape(e[0]) + "</summary>" + escape(e[1]) + "</details></li>\n"
                    : "<li>" + escape(e[0]) + ": " + escape(e[1]) + "</li>\n"));
            h.append("</ul>\n");
        }
        if (!results.rows.isEmpty()) h.append("<p>").append(escape(HOW_TO_READ)).append("</p>\n");
        h.append("<nav>");
        results.byBench.keySet().forEach(b -> h.append("<a href=\"#").append(escape(b)).append("\">").append(escape(b)).append("</a>"));
        h.append("</nav>\n");
        int[] plotNumber = {0};
        results.byBench.forEach((bench, experiments) -> {
            h.append("<section id=\"").append(escape(bench)).append("\">\n<h2>").append(escape(bench)).append("</h2>\n");
            for (Experiment x : experiments) {
                h.append("<h3>").append(escape(x.title())).append("</h3>\n");
                for (Block b : x.blocks()) {
                    if (!b.caption.isEmpty()) h.append("<p>").append(escape(b.caption)).append("</p>\n");
                    if (b.table != null) h.append(html(b.table, b.left));
                    else h.append("<ul>\n").append(b.items.stream().map(i -> "<li>" + escape(i) + "</li>\n").collect(Collectors.joining())).append("</ul>\n");
                }
                h.append("<div class=\"plots\">\n");
                for (Plot p : plots(x)) {
                    String id = "plot" + ++plotNumber[0];
                    h.append("<div class=\"plot\" id=\"").append(id).append("\" data-title=\"").append(escape(p.title)).append("\"></div>\n")
                            .append(p.figure.asJavascript(id)).append("\n");
                }
                h.append("</div>\n");
            }
            h.append("</section>\n");
        });
        h.append(failed.isEmpty() ? "<p>All scripts succeeded.</p>\n"
                : "<p class=\"failed\">Failed scripts: " + escape(String.join(", ", failed)) + "</p>\n");
        h.append("</body>\n</html>\n");
        Files.writeString(folder.resolve("report.html"), h);
    }

    /**
     * The plots of one experiment: the headline against the size (for LmdbBench's dictionaries: the
     * time per read or per write against the entries), then the latency percentiles of each method
     * at the smallest size, where the rows have them.
     */
    static List<Plot> plots(Experiment x) {
        List<Plot> plots = new ArrayList<>();
        List<Row> rows = x.rows();
        boolean reads = x.measures("read"), writes = x.measures("write");     // LmdbBench's (zmq's write rows have no latency: "none")
        String xTitle = x.entries ? "entries" : "message size (bytes)";
        ToDoubleFunction<Row> yValue;
        String yTitle;
        if (reads) { yValue = r -> r.number("lat_mean_us"); yTitle = "time per read, mean (µs)"; }
        else if (writes) { yValue = r -> 1e3 / r.number("msgs_per_s"); yTitle = "time per write (ms)"; }
        else if (x.rtt) { yValue = r -> r.number("lat_p50_us"); yTitle = "round trip p50 (µs)"; }
        else { yValue = r -> r.number("mb_per_s"); yTitle = "MB/s"; }
        String name = plain(x.bench + " " + (x.pattern.isEmpty() ? "" : x.pattern + " ") + (x.payload.isEmpty() ? "" : x.payload + " ") + x.variant.replace(",", ""));

        List<ScatterTrace> traces = new ArrayList<>();
        group(rows.stream(), Row::method).forEach((method, rs) -> {
            Map<Long, List<Row>> byX = new TreeMap<>(group(rs.stream(), Row::size));
            double[] xs = byX.keySet().stream().mapToDouble(Long::doubleValue).toArray();
            double[] ys = byX.values().stream().mapToDouble(list -> median(list, yValue)).toArray();
            traces.add(ScatterTrace.builder(xs, ys).mode(ScatterTrace.Mode.LINE_AND_MARKERS).name(plain(method)).build());
        });
        String title = name + yTitle.replaceAll(" \\(.*", "") + " vs " + (x.entries ? "entries" : "size");
        plots.add(new Plot(title, figure(title, xTitle, true, yTitle, traces)));

        String[] percentiles = {"p50", "p90", "p99", "p99.9"};
        String[] fields = {"lat_p50_us", "lat_p90_us", "lat_p99_us", "lat_p999_us"};
        long smallest = x.sizes.get(0);
        List<ScatterTrace> latencies = new ArrayList<>();
        group(rows.stream().filter(r -> r.size == smallest && !Double.isNaN(r.number("lat_p50_us"))), Row::method).forEach((method, rs) -> {
            double[] us = Arrays.stream(fields).mapToDouble(f -> median(rs, r -> r.number(f))).toArray();
            latencies.add(ScatterTrace.builder(StringColumn.create("percentile", percentiles), DoubleColumn.create("µs", us))
                    .mode(ScatterTrace.Mode.LINE_AND_MARKERS).name(plain(method)).build());
        });
        if (!latencies.isEmpty()) {
            String what = x.rtt ? "round trip" : reads ? "read time" : writes ? "write time" : "latency";
            String latencyTitle = name + what + " percentiles at " + x.label(smallest);
            plots.add(new Plot(latencyTitle, figure(latencyTitle, "percentile", false, what + " (µs)", latencies)));
        }
        return plots;
    }

    /**
     * A name or title as tablesaw's templates can carry it: they put it between single quotes in the
     * page's JavaScript, HTML-escaped only, so a backslash or a line break would end the script and a
     * double quote would show as &quot;.
     */
    static String plain(String text) {
        return text.replace('\\', '/').replace('"', '\'').replaceAll("[\\p{Cntrl}\u2028\u2029]", " ");
    }

    static Figure figure(String title, String xTitle, boolean logX, String yTitle, List<ScatterTrace> traces) {
        Axis xAxis = logX ? Axis.builder().title(xTitle).type(Axis.Type.LOG).build() : Axis.builder().title(xTitle).build();
        Layout layout = Layout.builder().title(title).height(400).width(580)
                .margin(Margin.builder().top(50).bottom(50).left(70).right(20).build())
                .xAxis(xAxis).yAxis(Axis.builder().title(yTitle).type(Axis.Type.LOG).build()).build();
        // No mode bar: on a page of many plots it covers their titles.
        return new Figure(layout, Config.builder().displayModeBar(false).build(), traces.toArray(ScatterTrace[]::new));
    }

    /** An HTML table of a figures, ratios or shares table: **bold** cells in strong, the first {@code left} columns as text. */
    static String html(List<List<String>> table, int left) {
        StringBuilder s = new StringBuilder("<table>\n");
        for (int l = 0; l < table.size(); l++) {
            s.append("<tr>");
            for (int i = 0; i < table.get(l).size(); i++) {
                String cell = table.get(l).get(i), tag = l == 0 ? "th" : "td";
                String text = cell.startsWith("**") && cell.indexOf("**", 2) > 0
                        ? "<strong>" + escape(cell.substring(2, cell.indexOf("**", 2))) + "</strong>" + escape(cell.substring(cell.indexOf("**", 2) + 2))
                        : escape(cell);
                s.append('<').append(tag).append(i < left ? "" : " class=\"num\"").append('>').append(text).append("</").append(tag).append('>');
            }
            s.append("</tr>\n");
        }
        return s.append("</table>\n").toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    // ---------------------------------------------------------------- --compare

    /** Two folders' experiments side by side: each cell as A -> B (B/A), for the methods and sizes both have. */
    Integer compare(Instant from) throws IOException {
        Results a = Results.of(compare.get(0), rowsOf(compare.get(0), "--compare", from, false));
        Results b = Results.of(compare.get(1), rowsOf(compare.get(1), "--compare", from, false));
        StringBuilder md = new StringBuilder("# IPC benchmark comparison\n\n");
        md.append("- A: ").append(a.folder).append("\n- B: ").append(b.folder).append("\n\n");
        md.append("Each cell: A's figure -> B's (B/A). For MB/s, B/A above 1 means B is faster; for RTT, below 1 means B is faster.\n\n");
        Map<String, String> bEnvironment = b.environment().stream().collect(Collectors.toMap(e -> e[0], e -> e[1]));
        for (String[] e : a.environment()) {
            String other = bEnvironment.getOrDefault(e[0], "");
            if (!e[0].equals("Time") && !e[0].startsWith("Libraries")) md.append("- ").append(e[0]).append(": A ").append(e[1]).append("; B ").append(other).append("\n");
        }
        md.append("\n");
        List<String> onlyOne = new ArrayList<>();
        b.byBench.forEach((bench, bExperiments) -> {
            md.append("## ").append(bench).append("\n\n");
            for (Experiment y : bExperiments) {
                Optional<Experiment> match = a.byBench.getOrDefault(bench, List.of()).stream()
                        .filter(x -> x.sameAs(y)).findFirst();
                if (match.isEmpty()) { onlyOne.add(bench + " " + y.title() + ": only in B"); continue; }
                Experiment x = match.get();
                List<Long> sizes = y.sizes.stream().filter(x.sizes::contains).toList();
                List<List<String>> t = new ArrayList<>();
                t.add(Stream.concat(Stream.of("method"), sizes.stream().map(y::label)).toList());
                y.cells.forEach((method, bCells) -> {
                    Map<Long, Cell> aCells = x.cells.get(method);
                    if (aCells == null) { onlyOne.add(bench + " " + y.title() + ", " + method + ": only in B"); return; }
                    List<String> line = new ArrayList<>(List.of(method));
                    for (long size : sizes) {
                        Cell ca = aCells.get(size), cb = bCells.get(size);
                        line.add(ca == null || cb == null ? "–" : fmt(ca.median()) + " -> " + fmt(cb.median())
                                + " (" + times(cb.median() / ca.median()) + ")" + (ca.ok && cb.ok ? "" : " ✗"));
                    }
                    t.add(line);
                });
                x.cells.keySet().stream().filter(m -> !y.cells.containsKey(m)).forEach(m -> onlyOne.add(bench + " " + x.title() + ", " + m + ": only in A"));
                md.append("### ").append(y.title()).append("\n\n").append(t.size() > 1 && sizes.size() > 0 ? markdown(t, 1) : "No method and size in both.\n").append("\n");
            }
        });
        a.byBench.forEach((bench, aExperiments) -> {
            if (!b.byBench.containsKey(bench)) { onlyOne.add(bench + ": only in A"); return; }
            aExperiments.stream().filter(x -> b.byBench.get(bench).stream().noneMatch(y -> x.sameAs(y)))
                    .forEach(x -> onlyOne.add(bench + " " + x.title() + ": only in A"));
        });
        if (!onlyOne.isEmpty()) md.append("Not compared:\n\n").append(onlyOne.stream().map(s -> "- " + s).collect(Collectors.joining("\n"))).append("\n");
        System.out.print(md);
        if (spec.commandLine().getParseResult().hasMatchedOption("--out")) {
            Files.createDirectories(out);
            Files.writeString(out.resolve("compare.md"), md);
            System.out.println("\nComparison written to " + out.resolve("compare.md"));
        }
        return ExitCode.OK;
    }

    // ---------------------------------------------------------------- helpers

    static boolean isLimit(String method) { return method.startsWith("limit-"); }

    static <K> Map<K, List<Row>> group(Stream<Row> rows, Function<Row, K> key) {
        return rows.collect(Collectors.groupingBy(key, LinkedHashMap::new, Collectors.toList()));
    }

    /** The values of one field across rows, without repeats, "; " between them. */
    static String distinct(List<Row> rows, String field) {
        return distinctOf(rows, r -> r.json.path(field).asText(""));
    }

    static String distinctOf(List<Row> rows, Function<Row, String> value) {
        return rows.stream().map(value).filter(v -> !v.isBlank()).distinct().collect(Collectors.joining("; "));
    }

    // ---- harness block: format (a copy of harness/BenchHarness.java, kept identical by harness/sync: edit it there)

    /** Sizes and durations: parsed as users type them (10k, 64Ki, 500ms), printed one way everywhere. */
    static final class Units {
        static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(k|K|M|G|T|Ki|Mi|Gi|Ti)?B?");
        static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

        /** 100, 10k, 2M, 1G (powers of 1000) and 64Ki, 1Mi (powers of 1024); an optional B. */
        static long parseSize(String text) {
            Matcher m = SIZE.matcher(text.trim());
            if (!m.matches()) throw new IllegalArgumentException("not a size: " + text);
            long scale = switch (m.group(2) == null ? "" : m.group(2)) {
                case "k", "K" -> 1_000L;
                case "M" -> 1_000_000L;
                case "G" -> 1_000_000_000L;
                case "T" -> 1_000_000_000_000L;
                case "Ki" -> 1L << 10;
                case "Mi" -> 1L << 20;
                case "Gi" -> 1L << 30;
                case "Ti" -> 1L << 40;
                default -> 1L;
            };
            return Math.multiplyExact(Long.parseLong(m.group(1)), scale);
        }

        /** A size from min to max, else picocli's conversion error naming what is allowed. */
        static long parseSizeIn(String value, long min, long max, String allowed) {
            long n;
            try {
                n = parseSize(value);
            } catch (RuntimeException e) {
                n = -1;
            }
            if (n < min || n > max) throw new CommandLine.TypeConversionException("'" + value + "' (" + allowed + ")");
            return n;
        }

        /**
         * 100 B, 10 kB, 2 MB, 64 KiB, 1000 MiB: the largest unit of either family in which the size is whole
         * (as the user typed it, most likely); else three significant figures in powers of 1000.
         */
        static String size(long bytes) {
            String[] decimal = {"TB", "GB", "MB", "kB"}, binary = {"TiB", "GiB", "MiB", "KiB"};
            for (int i = 0; i < 4; i++) {
                long unit = (long) Math.pow(1000, 4 - i), binaryUnit = 1L << (10 * (4 - i));
                if (bytes >= unit && bytes % unit == 0 && bytes / unit < 10_000) return bytes / unit + " " + decimal[i];
                if (bytes >= binaryUnit && bytes % binaryUnit == 0 && bytes / binaryUnit < 10_000) return bytes / binaryUnit + " " + binary[i];
            }
            for (int i = 0; i < 4; i++) {
                double unit = Math.pow(1000, 4 - i);
                if (bytes >= unit * 0.9995) return fmt(bytes / unit) + " " + decimal[i];   // 999,999 B is 1.00 MB, not 1,000 kB
            }
            return bytes + " B";
        }

        static Duration parseDuration(String text) {
            Matcher m = DURATION.matcher(text.trim());
            if (!m.matches()) throw new IllegalArgumentException("not a duration: " + text);
            double v = Double.parseDouble(m.group(1));
            double ms = switch (m.group(2)) { case "ms" -> v; case "s" -> v * 1e3; case "m" -> v * 60e3; default -> v * 3600e3; };
            return Duration.ofNanos(Math.round(ms * 1e6));
        }

        static String duration(Duration d) {
            if (d.toNanos() % 1_000_000 != 0) return fmt(d.toNanos() / 1e3) + " µs";
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
        }
    }

    /** The median of the values that are there: NaN (a figure a row does not have) and infinities are skipped; NaN if none is left. */
    static <T> double median(Collection<T> items, ToDoubleFunction<T> figure) {
        double[] v = items.stream().mapToDouble(figure).filter(Double::isFinite).sorted().toArray();
        if (v.length == 0) return Double.NaN;
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** About three significant figures, '.' for decimals whatever the locale: 0.42, 13.6, 1,868; "-" for a missing value. */
    static String fmt(double v) {
        if (!Double.isFinite(v)) return "-";
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%,.0f" : Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
    }

    /** A ratio as 1.23x; "-" where it is not a number (a missing or zero figure). */
    static String times(double ratio) {
        return Double.isFinite(ratio) ? String.format(Locale.ROOT, "%.2fx", ratio) : "-";
    }

    static double round(double v, int places) {
        double scale = Math.pow(10, places);
        return Math.round(v * scale) / scale;
    }

    /**
     * A figure over several runs: its median, and the distribution-free interval around the median from the
     * runs' order statistics: the narrowest [x(j), x(n+1-j)] whose confidence, 1 - 2 P(Binomial(n, 1/2) < j),
     * is at least 95%. Six runs are the fewest that allow 95%; with fewer the interval is the whole range and
     * its confidence is lower (75% for 3 runs), which `confidence` says. Non-finite values are skipped.
     */
    record Interval(int runs, double median, double low, double high, double min, double max, double confidence) {
        static final double LEVEL = 0.95;
        static final double SPREAD_MARK = 0.10;

        static Interval of(Collection<Double> values) {
            double[] v = values.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).sorted().toArray();
            int n = v.length;
            if (n == 0) return new Interval(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
            double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
            int j = 1;
            while (j + 1 <= (n + 1) / 2 && coverage(n, j + 1) >= LEVEL) j++;
            return new Interval(n, median, v[j - 1], v[n - j], v[0], v[n - 1], n < 2 ? 0 : coverage(n, j));
        }

        /** P(x(j) <= true median <= x(n+1-j)) for n runs of a continuous figure. */
        static double coverage(int n, int j) {
            double below = 0, term = Math.pow(0.5, n);   // P(Bin(n, 1/2) = i), i from 0
            for (int i = 0; i < j; i++) {
                below += term;
                term = term * (n - i) / (i + 1);
            }
            return Math.max(0, 1 - 2 * below);
        }

        /** Half the range of the runs, relative to the median: what a `~` mark flags above 10%. */
        double spread() { return runs < 2 || median == 0 ? 0 : (max - min) / 2 / Math.abs(median); }

        /** The interval's larger distance from the median, relative to it. */
        double halfWidth() { return runs < 2 || median == 0 ? Double.POSITIVE_INFINITY : Math.max(median - low, high - median) / Math.abs(median); }

        boolean is95() { return confidence >= LEVEL; }

        /** Two intervals that overlap: the two figures are not distinguishable with these runs. */
        boolean overlaps(Interval other) { return runs > 1 && other.runs > 1 && low <= other.high && other.low <= high; }

        /** "12.3 [11.9, 12.8]", with a leading ~ when the runs spread more than 10%. */
        String text() {
            if (runs == 0) return "-";
            String mark = spread() > SPREAD_MARK ? "~" : "";
            return runs == 1 ? fmt(median) : mark + fmt(median) + " [" + fmt(low) + ", " + fmt(high) + "]";
        }
    }

    // ---- end of harness block: format
}
