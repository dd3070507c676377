package io.grantwatch.detector;

import io.grantwatch.model.Finding;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link FindingBook} in a map, in first-seen order: for {@code scan} and tests. Not thread-safe. */
public final class InMemoryFindingBook implements FindingBook {
    private final Map<String, Finding> findings = new LinkedHashMap<>();

    @Override
    public Finding get(String id) {
        return findings.get(id);
    }

    @Override
    public void put(Finding finding) {
        findings.put(finding.id(), finding);
    }

    public Collection<Finding> all() {
        return List.copyOf(new ArrayList<>(findings.values()));
    }
}
