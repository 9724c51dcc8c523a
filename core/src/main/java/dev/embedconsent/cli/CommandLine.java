package dev.embedconsent.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A parsed command line: {@code --name value} options and {@code --name} flags (each at most once) and positional
 * operands. A lone {@code -} is an operand (stdin); {@code --} ends the options.
 */
final class CommandLine {
    private final Map<String, String> options = new LinkedHashMap<>();
    private final List<String> operands = new ArrayList<>();
    private final Set<String> flags = new HashSet<>();

    CommandLine(List<String> args, Set<String> valueOptions) {
        this(args, valueOptions, Set.of());
    }

    CommandLine(List<String> args, Set<String> valueOptions, Set<String> flagOptions) {
        boolean optionsEnded = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (optionsEnded || !arg.startsWith("--")) {
                if (!optionsEnded && arg.startsWith("-") && !arg.equals("-")) {
                    throw new UsageException("unknown option '" + arg + "'");
                }
                operands.add(arg);
            } else if (arg.equals("--")) {
                optionsEnded = true;
            } else {
                String name = arg;
                String value = null;
                int eq = arg.indexOf('=');
                if (eq > 0) {
                    name = arg.substring(0, eq);
                    value = arg.substring(eq + 1);
                }
                if (flagOptions.contains(name)) {
                    if (value != null) {
                        throw new UsageException("option " + name + " takes no value");
                    }
                    if (!flags.add(name)) {
                        throw new UsageException("option " + name + " given twice");
                    }
                    continue;
                }
                if (!valueOptions.contains(name)) {
                    throw new UsageException("unknown option '" + name + "'");
                }
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException("option " + name + " needs a value");
                    }
                    value = args.get(++i);
                }
                if (options.putIfAbsent(name, value) != null) {
                    throw new UsageException("option " + name + " given twice");
                }
            }
        }
    }

    @Nullable String option(String name) {
        return options.get(name);
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    List<String> operands() {
        return operands;
    }
}
