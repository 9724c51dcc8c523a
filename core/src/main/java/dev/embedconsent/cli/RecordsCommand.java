package dev.embedconsent.cli;

import dev.embedconsent.consent.ConsentExport;
import dev.embedconsent.record.SubjectId;
import dev.embedconsent.store.ConsentStore;
import dev.embedconsent.store.JdbcConsentStore;
import dev.embedconsent.store.JsonLinesConsentStore;
import dev.embedconsent.store.StoreException;
import dev.embedconsent.store.StoreStats;
import dev.embedconsent.store.VerificationResult;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAmount;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code embed-consent records}: works on a consent store from the command line.
 *
 * <pre>{@code
 * embed-consent records --store DIR verify                    # exit 1 naming the first bad record
 * embed-consent records --store DIR export --subject ID       # GDPR Art. 15 JSON on stdout
 * embed-consent records --store DIR erase --subject ID        # GDPR Art. 17, leaves tombstones
 * embed-consent records --store DIR purge --older-than P400D  # ISO-8601 period or duration
 * embed-consent records --jdbc jdbc:postgresql://host/db [--user U --password P] [--table T] stats
 * }</pre>
 * The JDBC user and password may also come from {@code EMBEDCONSENT_JDBC_USER} and
 * {@code EMBEDCONSENT_JDBC_PASSWORD}. Exit codes: 0 success, 1 the chain is broken, 2 bad usage or the store
 * cannot be opened.
 *
 * <p>{@code verify} on a JSON Lines store reads the files without taking the store's lock, so it can run next to
 * the application; the other verbs need the application stopped (they take the lock and say so if they cannot).
 */
public final class RecordsCommand {

    public static final int OK = 0;
    public static final int BROKEN = 1;
    public static final int USAGE = 2;

    static final String USAGE_TEXT = "usage: embed-consent records (--store DIR | --jdbc URL [--user U] [--password P]"
            + " [--table NAME]) (verify | export --subject ID | erase --subject ID | purge --older-than P | stats)";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private RecordsCommand() {
    }

    /**
     * Runs the command.
     *
     * @param args the arguments after {@code records}
     * @return the exit code
     */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        return run(args, out, err, System::getenv, Clock.systemUTC());
    }

    static int run(List<String> args, PrintStream out, PrintStream err, Function<String, @Nullable String> env,
            Clock clock) {
        Objects.requireNonNull(args, "args");
        Options options;
        try {
            options = Options.parse(args, env);
        } catch (IllegalArgumentException e) {
            err.println("embed-consent records: " + e.getMessage());
            err.println(USAGE_TEXT);
            return USAGE;
        }
        try {
            return execute(options, out, clock);
        } catch (StoreException | IllegalStateException e) {
            err.println("embed-consent records: " + e.getMessage());
            return USAGE;
        }
    }

    private static int execute(Options o, PrintStream out, Clock clock) {
        if (o.store != null && !Files.isDirectory(o.store)) {
            throw new StoreException("no consent store at " + o.store + ": the directory does not exist");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        if (o.verb.equals("verify") && o.store != null) {
            return report(JsonLinesConsentStore.verify(o.store), out);
        }
        try (ConsentStore store = open(o)) {
            switch (o.verb) {
                case "verify":
                    return report(store.verify(), out);
                case "export":
                    SubjectId subject = Objects.requireNonNull(o.subject, "subject");
                    out.println(ConsentExport.toJson(subject, store.history(subject), null, now));
                    return OK;
                case "erase":
                    int erased = store.erase(Objects.requireNonNull(o.subject, "subject"), now);
                    out.println("erased " + erased + " record(s) of subject " + o.subject
                            + "; tombstones keep the chain verifiable");
                    return OK;
                case "purge":
                    Instant cutoff = now.atZone(ZoneOffset.UTC).minus(Objects.requireNonNull(o.olderThan))
                            .toInstant();
                    int purged = store.purge(cutoff, now);
                    out.println("purged " + purged + " record(s) older than " + o.olderThanText + " (before "
                            + cutoff + ") whose expiry has passed");
                    return OK;
                case "stats":
                    out.println(statsJson(store.stats()));
                    return OK;
                default:
                    throw new IllegalStateException("unknown verb " + o.verb);
            }
        }
    }

    private static ConsentStore open(Options o) {
        if (o.store != null) {
            return JsonLinesConsentStore.open(o.store);
        }
        String url = Objects.requireNonNull(o.jdbc);
        try {
            DriverManager.getDriver(url);
        } catch (SQLException e) {
            throw new StoreException("no JDBC driver for " + url + "; the PostgreSQL driver handles "
                    + "jdbc:postgresql://host:port/database URLs");
        }
        JdbcConsentStore.Builder builder = JdbcConsentStore.builder(url, o.user, o.password)
                .withRetryTimeout(Duration.ofSeconds(5)).withoutSchemaCreation();
        if (o.table != null) {
            builder.withTableName(o.table);
        }
        return builder.build();
    }

    private static int report(VerificationResult result, PrintStream out) {
        out.println(result.describe());
        return result.valid() ? OK : BROKEN;
    }

    private static String statsJson(StoreStats stats) {
        ObjectNode root = JSON.createObjectNode();
        root.put("records", stats.records());
        root.put("tombstones", stats.tombstones());
        root.put("subjects", stats.subjects());
        ObjectNode decisions = root.putObject("byDecision");
        stats.byDecision().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> decisions.put(e.getKey(), e.getValue()));
        ObjectNode providers = root.putObject("byProvider");
        stats.byProvider().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> providers.put(e.getKey(), e.getValue()));
        root.put("oldest", stats.oldest() == null ? null : String.valueOf(stats.oldest()));
        root.put("newest", stats.newest() == null ? null : String.valueOf(stats.newest()));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    /** Parsed command line; the constructor-free parse throws {@link IllegalArgumentException} with the reason. */
    private static final class Options {
        @Nullable Path store;
        @Nullable String jdbc;
        @Nullable String user;
        @Nullable String password;
        @Nullable String table;
        String verb = "";
        @Nullable SubjectId subject;
        @Nullable TemporalAmount olderThan;
        @Nullable String olderThanText;

        static Options parse(List<String> args, Function<String, @Nullable String> env) {
            Options o = new Options();
            List<String> rest = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                String arg = Objects.requireNonNull(args.get(i), "argument");
                switch (arg) {
                    case "--store":
                        requireUnset(o.store == null && o.jdbc == null, "--store/--jdbc");
                        o.store = Path.of(value(args, ++i, arg));
                        break;
                    case "--jdbc":
                        requireUnset(o.store == null && o.jdbc == null, "--store/--jdbc");
                        o.jdbc = value(args, ++i, arg);
                        if (!o.jdbc.startsWith("jdbc:")) {
                            throw new IllegalArgumentException("--jdbc needs a JDBC URL such as "
                                    + "jdbc:postgresql://localhost:5432/site, got '" + o.jdbc + "'");
                        }
                        break;
                    case "--user":
                        requireUnset(o.user == null, arg);
                        o.user = value(args, ++i, arg);
                        break;
                    case "--password":
                        requireUnset(o.password == null, arg);
                        o.password = value(args, ++i, arg);
                        break;
                    case "--table":
                        requireUnset(o.table == null, arg);
                        o.table = value(args, ++i, arg);
                        break;
                    case "--subject":
                        requireUnset(o.subject == null, arg);
                        String text = value(args, ++i, arg);
                        o.subject = SubjectId.parse(text).orElseThrow(() -> new IllegalArgumentException(
                                "--subject needs a subject id (22 base64url characters), got '" + text + "'"));
                        break;
                    case "--older-than":
                        requireUnset(o.olderThan == null, arg);
                        o.olderThanText = value(args, ++i, arg);
                        o.olderThan = age(o.olderThanText);
                        break;
                    default:
                        if (arg.startsWith("-")) {
                            throw new IllegalArgumentException("unknown option " + arg);
                        }
                        rest.add(arg);
                }
            }
            if (o.store == null && o.jdbc == null) {
                throw new IllegalArgumentException("say which store: --store DIR or --jdbc URL");
            }
            if (o.store != null && (o.user != null || o.password != null || o.table != null)) {
                throw new IllegalArgumentException("--user, --password and --table only go with --jdbc");
            }
            if (rest.size() != 1) {
                throw new IllegalArgumentException(rest.isEmpty() ? "missing verb"
                        : "expected one verb, got " + String.join(" ", rest));
            }
            o.verb = rest.get(0);
            switch (o.verb) {
                case "verify": case "stats":
                    forbid(o.subject != null, "--subject", o.verb);
                    forbid(o.olderThan != null, "--older-than", o.verb);
                    break;
                case "export": case "erase":
                    if (o.subject == null) {
                        throw new IllegalArgumentException(o.verb + " needs --subject ID");
                    }
                    forbid(o.olderThan != null, "--older-than", o.verb);
                    break;
                case "purge":
                    if (o.olderThan == null) {
                        throw new IllegalArgumentException("purge needs --older-than, e.g. --older-than P400D");
                    }
                    forbid(o.subject != null, "--subject", o.verb);
                    break;
                default:
                    throw new IllegalArgumentException("unknown verb '" + o.verb
                            + "'; expected verify, export, erase, purge or stats");
            }
            if (o.jdbc != null) {
                if (o.user == null) {
                    o.user = env.apply("EMBEDCONSENT_JDBC_USER");
                }
                if (o.password == null) {
                    o.password = env.apply("EMBEDCONSENT_JDBC_PASSWORD");
                }
            }
            return o;
        }

        private static TemporalAmount age(String text) {
            Optional<TemporalAmount> parsed = Optional.empty();
            try {
                parsed = Optional.of(Period.parse(text));
            } catch (DateTimeParseException notPeriod) {
                try {
                    parsed = Optional.of(Duration.parse(text));
                } catch (DateTimeParseException notDuration) {
                    parsed = Optional.empty();
                }
            }
            TemporalAmount amount = parsed.orElseThrow(() -> new IllegalArgumentException("--older-than needs an "
                    + "ISO-8601 period or duration such as P400D, P13M or PT72H, got '" + text + "'"));
            boolean positive = amount instanceof Period
                    ? !((Period) amount).isNegative() && !((Period) amount).isZero()
                    : !((Duration) amount).isNegative() && !((Duration) amount).isZero();
            if (!positive) {
                throw new IllegalArgumentException("--older-than must be positive, got '" + text + "'");
            }
            return amount;
        }

        private static String value(List<String> args, int i, String option) {
            if (i >= args.size() || args.get(i).startsWith("--")) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args.get(i);
        }

        private static void requireUnset(boolean unset, String option) {
            if (!unset) {
                throw new IllegalArgumentException(option + " given twice");
            }
        }

        private static void forbid(boolean present, String option, String verb) {
            if (present) {
                throw new IllegalArgumentException(option + " does not go with " + verb);
            }
        }
    }
}
