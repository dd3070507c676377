package io.grantwatch.app.console;

import io.grantwatch.alerts.dispatch.MuteRules;
import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.app.runtime.ClusterFindings;
import io.grantwatch.app.runtime.FindingsApi;
import io.grantwatch.app.runtime.HttpServer;
import io.grantwatch.detector.streams.DetectorRunner;
import io.grantwatch.model.topic.Topics;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.streams.state.HostInfo;

/**
 * What serves findings to people: the console's decisions read from {@code finding-actions} into a view (which the
 * alert dispatcher asks for mutes too), and, on an HTTP server, the findings API and the console over this detector's
 * store and every other instance's ({@link ClusterFindings}). {@code run} and the {@code detect} role use it alike.
 */
public final class FindingsService implements AutoCloseable {
    private final FindingsView view = new FindingsView();
    private final ActionLog actions;

    /** @param client Kafka client settings with the bootstrap servers */
    public FindingsService(Map<String, Object> client, Topics topics) {
        this.actions = new ActionLog(client, topics.findingActions(), view);
    }

    /** Starts reading the decisions (the whole topic, then what comes). */
    public FindingsService start() {
        actions.start();
        return this;
    }

    public FindingsView view() {
        return view;
    }

    /**
     * Adds {@code /api/findings}, {@code /dashboard} and the console to {@code http}.
     *
     * @param self       this instance's address as the others reach it (its {@code application.server})
     * @param token      the API token the other instances' servers expect, or null
     * @param configured the configured mute rules, marked beside the console's
     */
    public void serve(HttpServer http, DetectorRunner runner, HostInfo self, String token, RemediationPlanner planner, MuteRules configured) {
        ClusterFindings cluster = ClusterFindings.of(runner, self, token);
        new FindingsApi(cluster, planner, configured, view::muteRules).register(http);
        new ConsoleRoutes(cluster, view, actions, planner, Instant::now).register(http);
    }

    @Override
    public void close() {
        actions.close();
    }
}
