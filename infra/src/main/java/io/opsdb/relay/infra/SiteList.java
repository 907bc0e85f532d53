package io.opsdb.relay.infra;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The secondary sites of a local stack ({@code bin/relay up --sites observatory,summit,lab}), in order: a site's
 * position decides its ports ({@link StackPorts#secondary}) and whether it keeps the single-secondary names
 * ({@link SecondarySite}). The main site, cologne, is always there and is not in the list.
 */
public final class SiteList {

    /** The stack of one secondary, the observatory: what {@code bin/relay up} starts without {@code --sites}. */
    public static final SiteList DEFAULT = new SiteList(List.of(Site.OBSERVATORY));

    private final List<SecondarySite> secondaries;

    private SiteList(List<Site> sites) {
        List<SecondarySite> list = new ArrayList<>();
        for (Site site : sites) {
            list.add(new SecondarySite(site, list.size()));
        }
        this.secondaries = List.copyOf(list);
    }

    /**
     * The sites of {@code --sites}: names separated by commas.
     *
     * @throws IllegalArgumentException naming every problem at once, in one line
     */
    public static SiteList parse(String commaSeparated) {
        return of(
                Arrays.stream(commaSeparated.split(",", -1)).map(String::strip).toList());
    }

    /**
     * The sites named, in this order.
     *
     * @throws IllegalArgumentException naming every problem at once, in one line: a name that is not a valid site
     *                                  name, the main site's name, a name given twice, no name at all, or two names
     *                                  whose components would have the same name
     */
    public static SiteList of(List<String> names) {
        List<String> problems = new ArrayList<>();
        if (names.isEmpty() || names.stream().allMatch(String::isEmpty)) {
            problems.add("no site named");
        }
        Set<String> seen = new LinkedHashSet<>();
        List<Site> sites = new ArrayList<>();
        for (String name : names) {
            Optional<String> problem = Site.problem(name);
            if (problem.isPresent()) {
                problems.add(problem.get());
            } else if (!seen.add(name)) {
                problems.add("'" + name + "' is named twice");
            } else {
                sites.add(new Site(name, "secondary"));
            }
        }
        if (problems.isEmpty()) {
            problems.addAll(new SiteList(sites).componentNameClashes());
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "invalid sites '" + String.join(",", names) + "': " + String.join("; ", problems));
        }
        return new SiteList(sites);
    }

    /** E.g. sites {@code x} (not first) and {@code cologne-x} would both have a {@code mm2-cologne-x}. */
    private List<String> componentNameClashes() {
        Map<String, String> owners = new LinkedHashMap<>();
        Stream.of(SecondarySite.PRIMARY, SecondarySite.MAIN_KAFKA, SecondarySite.MAIN_APP)
                .forEach(name -> owners.put(name, Site.COLOGNE.siteName()));
        List<String> clashes = new ArrayList<>();
        for (SecondarySite secondary : secondaries) {
            for (String component : secondary.componentNames()) {
                String other = owners.putIfAbsent(component, secondary.name());
                if (other != null) {
                    clashes.add("sites '" + other + "' and '" + secondary.name()
                            + "' would both have a component named " + component);
                }
            }
        }
        return clashes;
    }

    public List<SecondarySite> secondaries() {
        return secondaries;
    }

    /** The first secondary: the one with the single-secondary stack's names and ports. */
    public SecondarySite first() {
        return secondaries.get(0);
    }

    public Optional<SecondarySite> find(String name) {
        return secondaries.stream()
                .filter(secondary -> secondary.name().equals(name))
                .findFirst();
    }

    public List<String> names() {
        return secondaries.stream().map(SecondarySite::name).toList();
    }

    public int size() {
        return secondaries.size();
    }

    /**
     * These sites followed by those of {@code requested} that are not among them, in their order: what a stack made
     * with these sites runs when asked for {@code requested}.
     *
     * @throws IllegalArgumentException if {@code requested} leaves out one of these sites, or the result is not a
     *                                  valid list
     */
    public SiteList extendedBy(SiteList requested) {
        List<String> missing =
                names().stream().filter(name -> requested.find(name).isEmpty()).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("leaves out " + String.join(", ", missing));
        }
        List<String> names = new ArrayList<>(names());
        requested.names().stream().filter(name -> find(name).isEmpty()).forEach(names::add);
        return of(names);
    }

    /** The sites in {@code this} that {@code earlier} does not have. */
    public List<SecondarySite> addedTo(SiteList earlier) {
        return secondaries.stream()
                .filter(secondary -> earlier.find(secondary.name()).isEmpty())
                .toList();
    }

    /** Every component's name in start order, the main site's included. */
    public List<String> componentNames() {
        List<String> names = new ArrayList<>();
        names.add(SecondarySite.PRIMARY);
        secondaries.forEach(secondary -> names.add(secondary.replica()));
        names.add(SecondarySite.MAIN_KAFKA);
        secondaries.forEach(secondary -> names.add(secondary.kafka()));
        secondaries.forEach(secondary -> {
            names.add(secondary.mirrorToMain());
            names.add(secondary.mirrorFromMain());
        });
        names.add(SecondarySite.MAIN_APP);
        secondaries.forEach(secondary -> names.add(secondary.app()));
        return names;
    }

    /** The site a component belongs to. */
    public Optional<String> siteOf(String component) {
        if (Stream.of(SecondarySite.PRIMARY, SecondarySite.MAIN_KAFKA, SecondarySite.MAIN_APP)
                .anyMatch(component::equals)) {
            return Optional.of(Site.COLOGNE.siteName());
        }
        return secondaries.stream()
                .filter(secondary -> secondary.componentNames().contains(component))
                .map(SecondarySite::name)
                .findFirst();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SiteList list && list.names().equals(names());
    }

    @Override
    public int hashCode() {
        return names().hashCode();
    }

    /** The names separated by commas, as {@link #parse} reads them. */
    @Override
    public String toString() {
        return String.join(",", names());
    }
}
