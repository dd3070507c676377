package io.grantwatch.alerts.dispatch;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.alerts.channel.Channel;
import io.grantwatch.alerts.channel.ChannelSender;
import io.grantwatch.alerts.channel.DeliveryCounters;
import io.grantwatch.alerts.channel.Pacer;
import io.grantwatch.alerts.channel.SecretResolver;
import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.topic.Topics;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The alerts runnable assembled from configuration, for {@code grantwatch alert} and {@code run}:
 * channels (secrets resolved), routes, mutes, pipeline, dispatcher. The caller owns its lifecycle.
 */
public final class AlertsService {
    private AlertsService() {
    }

    /** Channels given as the raw {@code alerts.channels} list of the application config. */
    public static AlertsConfig fromChannelsNode(JsonNode channels) throws IOException {
        if (channels == null || channels.isNull()) {
            return AlertsConfig.empty();
        }
        List<AlertsConfig.ChannelConfig> list = Json.strict().readerFor(new TypeReference<List<AlertsConfig.ChannelConfig>>() { })
                .readValue(channels);
        return new AlertsConfig(list, null, null, null, null, null);
    }

    /**
     * What is wrong with each channel of an {@code alerts.channels} list, as {@code channels[2] (ops-slack): …}
     * lines: unknown or missing fields, an unknown type, a secret given literally or a reference that does not
     * resolve. The channels are built the way {@code run} builds them, so what passes here starts there.
     */
    public static List<String> problems(JsonNode channels, SecretResolver secrets) {
        List<String> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
        int i = 0;
        for (JsonNode node : channels) {
            String label = "channels[" + i++ + "]" + (node.hasNonNull("name") ? " (" + node.get("name").asText() + ")" : "");
            AlertsConfig.ChannelConfig c;
            try {
                c = Json.strict().treeToValue(node, AlertsConfig.ChannelConfig.class);
            } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
                out.add(label + ": unknown field '" + e.getPropertyName() + "'");
                continue;
            } catch (IOException | IllegalArgumentException e) {
                out.add(label + ": " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage()
                        : e.getMessage()));
                continue;
            }
            if (c.name() != null && !names.add(c.name())) {
                out.add(label + ": the name " + c.name() + " is used by another channel");
            }
            try {
                ChannelFactory.build(c, secrets, http, Duration.ofSeconds(10));
            } catch (IllegalArgumentException e) {
                out.add(label + ": " + e.getMessage().replaceFirst("^channels\\.[^.]+\\.", ""));
            }
        }
        return out;
    }

    /**
     * Starts a dispatcher on its own thread.
     *
     * @param counters receives delivered/retried/failed/digests/deferrals per channel
     */
    /**
     * Senders for the configured channels, with their retries and rate limits: what the dispatcher
     * delivers findings through, and what the drift-report schedule sends its summary through.
     */
    public static List<ChannelSender> senders(AlertsConfig config, SecretResolver secrets, DeliveryCounters counters) {
        return senders(config, channels(config, secrets), counters);
    }

    private static List<Channel> channels(AlertsConfig config, SecretResolver secrets) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
        return ChannelFactory.build(config, secrets, http);
    }

    private static List<ChannelSender> senders(AlertsConfig config, List<Channel> channels, DeliveryCounters counters) {
        return channels.stream()
                .map(c -> new ChannelSender(c, config.retry(), counters, Pacer.SYSTEM, config.rateMarginMillis())).toList();
    }

    public static Dispatcher start(String bootstrapServers, Topics topics, String groupId, AlertsConfig config, SecretResolver secrets,
            Map<String, Object> kafkaOverrides, DeliveryCounters counters) {
        return start(bootstrapServers, topics, groupId, config, secrets, kafkaOverrides, counters, new RemediationPlanner());
    }

    /** @param planner the planner every other output uses (built on the catalog in force), so channels show the same remediation */
    public static Dispatcher start(String bootstrapServers, Topics topics, String groupId, AlertsConfig config, SecretResolver secrets,
            Map<String, Object> kafkaOverrides, DeliveryCounters counters, RemediationPlanner planner) {
        return start(bootstrapServers, topics, groupId, config, secrets, kafkaOverrides, counters, planner, List::of);
    }

    /** @param moreMutes mute rules beside the configured ones, asked per batch (the findings console's mutes in force) */
    public static Dispatcher start(String bootstrapServers, Topics topics, String groupId, AlertsConfig config, SecretResolver secrets,
            Map<String, Object> kafkaOverrides, DeliveryCounters counters, RemediationPlanner planner, Supplier<List<MuteRule>> moreMutes) {
        List<Channel> channels = channels(config, secrets);
        List<ChannelSender> senders = senders(config, channels, counters);
        Router router = new Router(config.routes(), channels.stream().map(Channel::name).toList());
        MuteRules mutes = new MuteRules(config.mutes());
        Dispatcher.Settings settings = new Dispatcher.Settings(bootstrapServers, groupId, topics, null, null, config.retry(), kafkaOverrides);
        return new Dispatcher(settings, ledger -> new AlertPipeline(planner, router, () -> mutes.with(moreMutes.get()), senders, counters,
                Instant::now, ledger)).start();
    }
}
