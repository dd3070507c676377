package io.grantwatch.catalog;

import java.util.List;
import java.util.stream.Collectors;

/** The catalog could not be loaded: every problem found, not just the first. */
public class CatalogException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<CatalogProblem> problems;

    public CatalogException(List<CatalogProblem> problems) {
        super(problems.size() + " catalog problem(s):\n" + problems.stream().map(CatalogProblem::toString)
                .collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<CatalogProblem> problems() {
        return problems;
    }
}
