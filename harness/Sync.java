///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Rewrites every script's copy of the harness blocks from harness/BenchHarness.java, or checks that each copy is identical
//JAVA 17+

/*
 * Run as ./harness/sync [--check] [REPO] [FILE.java ...]   (REPO: the repository's top folder, default the current
 * one; FILEs: only these scripts, default all of them).
 *
 * The blocks are the lines from "// ---- harness block: NAME" to "// ---- end of harness block: NAME" in
 * harness/BenchHarness.java. Every *Bench.java at the top of the repository carries all of them; Report.java
 * carries the format block. Without --check, each copy is replaced by the block as it stands in
 * BenchHarness.java. With --check, nothing is written: every copy that differs by one byte is named by
 * script and line, and the exit code is 1 (2 where a block or a marker is missing).
 */

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;
import java.util.regex.Pattern;
import java.util.stream.Stream;

public class Sync {
    static final Pattern START = Pattern.compile("^\\s*// ---- harness block: ([a-z]+)\\b.*$");
    static final String END = "// ---- end of harness block: ";
    static final Map<String, List<String>> REPORT_BLOCKS = Map.of("Report.java", List.of("format"));

    record Block(String name, int start, int end) {}   // line indexes, end inclusive

    public static void main(String[] args) throws IOException {
        for (String a : args) {
            if (a.startsWith("--") && !a.equals("--check")) {
                System.err.println("sync: unknown option " + a + " (usage: ./harness/sync [--check] [REPO] [FILE.java ...])");
                System.exit(2);
            }
        }
        boolean check = Arrays.asList(args).contains("--check");
        Path repo = Arrays.stream(args).filter(a -> !a.startsWith("--") && !a.endsWith(".java")).findFirst().map(Path::of).orElse(Path.of(""));
        Set<String> only = new HashSet<>();
        for (String a : args) if (a.endsWith(".java")) only.add(Path.of(a).getFileName().toString());
        Path source = repo.resolve("harness/BenchHarness.java");
        if (!Files.isRegularFile(source)) {
            System.err.println("sync: no " + source.toAbsolutePath() + " (run it from the repository's top folder, or name that folder)");
            System.exit(2);
        }
        List<String> canonical = lines(source);
        Map<String, List<String>> blocks = new LinkedHashMap<>();
        for (Block b : blocks(canonical, source)) blocks.put(b.name, canonical.subList(b.start, b.end + 1));
        if (!blocks.keySet().containsAll(List.of("format", "run"))) {
            System.err.println("sync: " + source + " must hold the blocks 'format' and 'run'; it holds " + blocks.keySet());
            System.exit(2);
        }

        Map<Path, List<String>> targets = new TreeMap<>();
        try (Stream<Path> top = Files.list(repo)) {
            top.filter(p -> p.getFileName().toString().endsWith("Bench.java")).forEach(p -> targets.put(p, List.copyOf(blocks.keySet())));
        }
        REPORT_BLOCKS.forEach((file, names) -> { if (Files.exists(repo.resolve(file))) targets.put(repo.resolve(file), names); });
        if (!only.isEmpty()) targets.keySet().removeIf(p -> !only.contains(p.getFileName().toString()));
        for (String name : only) {
            if (targets.keySet().stream().noneMatch(p -> p.getFileName().toString().equals(name))) {
                System.err.println("sync: " + name + " carries no harness blocks (the *Bench.java scripts and Report.java do)");
                System.exit(2);
            }
        }

        int differing = 0, missing = 0, rewritten = 0;
        for (var target : targets.entrySet()) {
            Path file = target.getKey();
            List<String> text = new ArrayList<>(lines(file));
            Map<String, Block> found = new HashMap<>();
            for (Block b : blocks(text, file)) {
                if (found.put(b.name, b) != null) {
                    System.err.println(file.getFileName() + ":" + (b.start + 1) + ": harness block '" + b.name + "' a second time: keep one");
                    System.exit(2);
                }
            }
            List<String> absent = target.getValue().stream().filter(name -> !found.containsKey(name)).toList();
            for (String name : absent)
                System.err.println(file.getFileName() + ": no harness block '" + name + "' (add the marker lines, then run ./harness/sync)");
            missing += absent.size();
            if (!absent.isEmpty()) continue;
            // Replace from the last block up, so that the earlier blocks' line numbers hold.
            List<Block> order = target.getValue().stream().map(found::get).sorted(Comparator.comparingInt(Block::start).reversed()).toList();
            boolean changed = false;
            for (Block b : order) {
                List<String> want = blocks.get(b.name), have = text.subList(b.start, b.end + 1);
                if (have.equals(want)) continue;
                if (check) {
                    int i = 0;
                    while (i < Math.min(want.size(), have.size()) && want.get(i).equals(have.get(i))) i++;
                    System.err.printf("%s:%d: harness block '%s' differs from harness/BenchHarness.java%n    expected: %s%n    found:    %s%n",
                            file.getFileName(), b.start + i + 1, b.name, i < want.size() ? want.get(i) : "(end of block)",
                            i < have.size() ? have.get(i) : "(end of block)");
                    differing++;
                } else {
                    have.clear();
                    have.addAll(want);
                    changed = true;
                }
            }
            if (changed) {
                Files.writeString(file, String.join("\n", text), StandardCharsets.UTF_8);
                System.out.println("rewrote the harness blocks of " + file.getFileName());
                rewritten++;
            }
        }
        if (missing > 0) System.exit(2);
        if (check) {
            if (differing > 0) {
                System.err.println(differing + " harness block(s) differ: edit harness/BenchHarness.java, then run ./harness/sync");
                System.exit(1);
            }
            System.out.println("harness blocks identical in " + targets.size() + " files");
        } else if (rewritten == 0) {
            System.out.println("harness blocks already identical in " + targets.size() + " files");
        }
    }

    /** The file's lines, each with any \r it has: a byte-level comparison. The last element is what follows the last newline. */
    static List<String> lines(Path file) throws IOException {
        return Arrays.asList(Files.readString(file, StandardCharsets.UTF_8).split("\n", -1));
    }

    static List<Block> blocks(List<String> text, Path file) {
        List<Block> found = new ArrayList<>();
        for (int i = 0; i < text.size(); i++) {
            var m = START.matcher(text.get(i));
            if (!m.matches()) continue;
            String name = m.group(1);
            int end = i + 1;
            while (end < text.size() && !text.get(end).strip().equals(END + name)) end++;
            if (end == text.size()) {
                System.err.println(file.getFileName() + ":" + (i + 1) + ": harness block '" + name + "' has no end marker '" + END + name + "'");
                System.exit(2);
            }
            found.add(new Block(name, i, end));
            i = end;
        }
        return found;
    }
}
