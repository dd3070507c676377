package io.grantwatch.alerts.dispatch;

import io.grantwatch.model.Finding;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Channels for a finding: the union of matching routes; with no routes configured, every channel. */
public record Router(List<RouteRule> routes, List<String> allChannels) {
    public Router {
        routes = routes == null ? List.of() : List.copyOf(routes);
        allChannels = List.copyOf(allChannels);
    }

    public Set<String> channelsFor(Finding f) {
        if (routes.isEmpty()) {
            return new LinkedHashSet<>(allChannels);
        }
        Set<String> out = new LinkedHashSet<>();
        for (RouteRule r : routes) {
            if (r.matches(f)) {
                out.addAll(r.channels());
            }
        }
        out.retainAll(allChannels);
        return out;
    }
}
