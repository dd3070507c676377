package io.grantwatch.systemtests.corpus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.parse.Hints;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.GrantType;
import io.grantwatch.model.catalog.ActionPattern;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.Holder;
import io.grantwatch.model.catalog.Phase;
import io.grantwatch.model.catalog.Requirement;
import io.grantwatch.model.catalog.Scenario;
import io.grantwatch.model.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * A deterministic (seeded) corpus of ActionTrail events and CTS traces in the clouds' real shapes
 * (the demo corpus and formats.md §1.6/§2.6), 1–3 KB each: thousands of principals doing background
 * work, about 3% denials planted as episodes across the catalog's seed scenarios (a denial of the
 * scenario's own grant, with messages that name the action as RAM and IAM print them), PassRole and
 * AssumeRole failures of the DSW role scenario, agency denials, explicit denies, a few unmapped
 * denials, successes that resolve some episodes, non-authorization failures, and IAM changes
 * (policy detachments) that hit principals after their last call.
 *
 * <p>Order contract: event times strictly increase with the corpus position ({@code spacingMillis} apart), so the
 * corpus order is the event-time order the oracle uses. Per principal, items keep their planned
 * order; an IAM change lands at least {@value #CHANGE_GAP} positions after its target's last event, so
 * a detector that routes the change through a repartition topic still sees it after that principal's
 * own events (the oracle's semantics: event-time order per principal).
 */
public final class CorpusGenerator {
    static final int CHANGE_GAP = 400;
    private static final ObjectMapper JSON = Json.wire();
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final String[] ALI_ACCOUNTS = {"1704123456789012", "1839201122334455", "1520004477889900", "1266557788990011"};
    private static final String[] HW_DOMAINS = {"0a1b2c3d4e5f60718293a4b5c6d7e8f9", "7c6b5a4d3e2f10918273645546372819",
        "f0e1d2c3b4a5968778695a4b3c2d1e0f"};
    private static final String[] ALI_REGIONS = {"cn-hangzhou", "cn-shanghai", "cn-beijing", "ap-southeast-1"};
    private static final String[] HW_REGIONS = {"cn-north-4", "cn-east-3", "ap-southeast-1"};
    private static final String[] WORDS = {"training", "pipeline", "nightly", "feature", "store", "bert", "resnet", "eval", "batch",
        "export", "model", "registry", "fraud", "churn", "ranking", "vision", "speech", "ingest", "dataset", "shard", "gpu", "etl"};

    /** What to generate. */
    /**
     * @param spacingMillis event-time distance between consecutive records (the organisation's event rate)
     * @param delegated     whether RAM-role sessions and ModelArts agencies act (false: people only)
     */
    public record Options(long seed, int events, int principals, double denialRate, double changeRate, long spacingMillis,
                          boolean delegated) {
        public static Options of(long seed, int events) {
            return new Options(seed, events, Math.max(1000, Math.min(200_000, events / 10)), 0.03, 0.003, 200, true);
        }

        public Options withPrincipals(int p) {
            return new Options(seed, events, p, denialRate, changeRate, spacingMillis, delegated);
        }

        public Options withDelegated(boolean d) {
            return new Options(seed, events, principals, denialRate, changeRate, spacingMillis, d);
        }
    }

    /** A generated corpus with its ground truth. */
    public record Corpus(List<RawRecord> records, List<Episode> episodes, Map<String, Long> stats) {
        public long bytes() {
            long b = 0;
            for (RawRecord r : records) {
                b += r.json().length;
            }
            return b;
        }
    }

    /** One call a principal makes, rendered when its time is known. */
    private interface Item {
        ObjectNode render(Stamp s);

        default boolean change() {
            return false;
        }
    }

    private record Stamp(long seq, long timeMillis, String eventId, String requestId, Random random) {
    }

    /** A denial the catalog should explain: the scenario's concrete grant as the cloud logs it. */
    private record Denial(String service, String api, String action) {
    }

    private static final class Actor {
        final int index;
        final Cloud cloud;
        final String account;
        final String region;
        final String type; // ram-user, assumed-role, root-account, User, AssumedAgency
        final String name;
        final String id;
        final String session;
        final String accessKey;
        final Scenario scenario;
        final Denial denial;
        final List<Item> items = new ArrayList<>();
        int emitted;
        boolean hasEpisode;
        boolean hasChange;

        Actor(int index, Cloud cloud, String account, String region, String type, String name, String id, String session,
              String accessKey, Scenario scenario, Denial denial) {
            this.index = index;
            this.cloud = cloud;
            this.account = account;
            this.region = region;
            this.type = type;
            this.name = name;
            this.id = id;
            this.session = session;
            this.accessKey = accessKey;
            this.scenario = scenario;
            this.denial = denial;
        }
    }

    private final Options options;
    private final Random random;
    private final List<Scenario> aliScenarios = new ArrayList<>();
    private final List<Scenario> hwScenarios = new ArrayList<>();
    private final Map<String, Denial> denials = new LinkedHashMap<>();
    private final Map<String, Requirement> denialRequirement = new LinkedHashMap<>();
    private final AuditParser parser = new AuditParser();

    private CorpusGenerator(Options options, Catalog catalog) {
        this.options = options;
        this.random = new Random(options.seed());
        for (Scenario s : catalog.scenarios()) {
            Optional<Map.Entry<Requirement, String>> d = concreteGrant(s);
            if (d.isEmpty()) {
                continue;
            }
            String action = d.get().getValue();
            int colon = action.indexOf(':');
            String service = colon > 0 ? action.substring(0, colon) : "svc";
            String api = action.substring(action.lastIndexOf(':') + 1);
            denials.put(s.id(), new Denial(service, api, action));
            denialRequirement.put(s.id(), d.get().getKey());
            (s.cloud() == Cloud.HUAWEI ? hwScenarios : aliScenarios).add(s);
        }
        if (aliScenarios.isEmpty() || hwScenarios.isEmpty()) {
            throw new IllegalStateException("the catalog has no concrete denial for one of the clouds");
        }
    }

    public static Corpus generate(Options options, Catalog catalog) {
        return new CorpusGenerator(options, catalog).run();
    }

    /** The scenario's first concrete action grant (or a concrete action under its first pattern), as a realistic denial names it. */
    static Optional<Map.Entry<Requirement, String>> concreteGrant(Scenario s) {
        for (Requirement r : s.requirements()) {
            GrantType t = r.grant().type();
            if ((t == GrantType.ACTION || t == GrantType.AGENCY_ACTION) && !ActionPattern.isWildcard(r.grant().value())
                    && r.grant().value().contains(":")) {
                return Optional.of(Map.entry(r, r.grant().value()));
            }
        }
        for (Requirement r : s.requirements()) {
            String pattern = r.grant().type() == GrantType.ACTION || r.grant().type() == GrantType.AGENCY_ACTION ? r.grant().value()
                    : !r.answers().isEmpty() ? r.answers().get(0)
                    : r.covers().isEmpty() ? null : r.covers().get(0);
            if (pattern != null && pattern.contains(":") && r.phase() != Phase.ACTIVATION) {
                return Optional.of(Map.entry(r, pattern.replace("*", "Get")));
            }
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------ plan

    private Corpus run() {
        int n = options.events();
        List<Actor> actors = new ArrayList<>();
        for (int i = 0; i < options.principals(); i++) {
            actors.add(newActor(i));
        }
        Map<String, Actor> admins = new LinkedHashMap<>();
        List<Episode> episodes = new ArrayList<>();
        List<Actor> pendingEpisodes = new ArrayList<>();
        long targetDenials = Math.round(n * options.denialRate());
        long denied = 0;
        // Episodes: one per principal, until ~denialRate of the corpus is denials.
        while (denied < targetDenials) {
            Actor a = actors.get(random.nextInt(actors.size()));
            if (a.hasEpisode) {
                if (pendingEpisodes.size() >= actors.size()) {
                    break;
                }
                continue;
            }
            a.hasEpisode = true;
            pendingEpisodes.add(a);
            double p = random.nextDouble();
            int size = p < 0.6 ? 1 : p < 0.9 ? 2 + random.nextInt(4) : 10 + random.nextInt(5);
            denied += size;
            a.emitted = size; // remember the size until the items are laid out
        }
        long changes = Math.round(n * options.changeRate());
        long budget = n - denied - changes;
        // Background: every principal at least one call; the rest spread with a skew (some principals are busy).
        long[] background = new long[actors.size()];
        for (int i = 0; i < actors.size(); i++) {
            background[i] = 1;
        }
        long rest = budget - actors.size();
        for (long k = 0; k < rest; k++) {
            int i = (int) Math.min(actors.size() - 1, Math.abs(random.nextGaussian()) * actors.size() / 2.5);
            background[random.nextBoolean() ? i : random.nextInt(actors.size())]++;
        }
        for (Actor a : actors) {
            long bg = background[a.index];
            int size = a.emitted;
            a.emitted = 0;
            if (!a.hasEpisode) {
                for (long k = 0; k < bg; k++) {
                    a.items.add(backgroundCall(a));
                }
                continue;
            }
            long before = bg / 2;
            for (long k = 0; k < before; k++) {
                a.items.add(backgroundCall(a));
            }
            Episode e = plantEpisode(a, size, bg - before > 0);
            episodes.add(e);
            long after = bg - before - (e.resolved() ? 1 : 0) - (signalled(a) ? 1 : 0);
            for (long k = 0; k < after; k++) {
                a.items.add(backgroundCall(a));
            }
        }
        Map<String, Long> stats = new LinkedHashMap<>();
        // IAM changes after the target's last call: a detached system policy; a custom policy's new default version
        // (its document created and attached before the target's calls); a DSW role's trust policy no longer naming PAI.
        List<Actor> targets = new ArrayList<>();
        for (Actor a : actors) {
            if ((a.type.equals("ram-user") || a.type.equals("AssumedAgency")) && !a.hasChange) {
                targets.add(a);
            }
        }
        for (long k = 0; k < changes && !targets.isEmpty(); k++) {
            Actor t = targets.remove(random.nextInt(targets.size()));
            t.hasChange = true;
            Actor admin = admins.computeIfAbsent(t.cloud + t.account, x -> newAdmin(t));
            double variant = random.nextDouble();
            // content and trust changes only for principals without a planted denial: their extra calls (an EAS read, a DSW
            // instance) signal scenarios, and arriving out of order they would re-attribute a denial in the lateness checks
            boolean quiet = !t.hasEpisode;
            if (quiet && t.cloud == Cloud.ALIBABA && variant < 0.3) {
                // content: a custom policy created and attached before the user's calls, then a new default version without eas
                String policy = "ml-" + t.name;
                t.items.add(0, admin(s -> actiontrail(admin, s, "Ram", "ram.aliyuncs.com", "AttachPolicyToUser", "Write", null, null,
                        Map.of("PolicyType", "Custom", "PolicyName", policy, "UserName", t.name))));
                t.items.add(0, admin(s -> actiontrail(admin, s, "Ram", "ram.aliyuncs.com", "CreatePolicy", "Write", null, null,
                        Map.of("PolicyName", policy, "Description", "ML team", "PolicyDocument", POLICY_V1))));
                t.items.add(1 + 2, easCall(t));
                t.items.add(admin(s -> actiontrail(admin, s, "Ram", "ram.aliyuncs.com", "CreatePolicyVersion", "Write", null, null,
                        Map.of("PolicyName", policy, "SetAsDefault", "true", "PolicyDocument", POLICY_V2))));
            } else if (quiet && t.cloud == Cloud.ALIBABA && variant < 0.6) {
                // a role the user names in a DSW instance it creates (the role makes no call), later untrusted by PAI
                String role = "dsw-" + t.name;
                t.items.add(0, admin(s -> actiontrail(admin, s, "Ram", "ram.aliyuncs.com", "CreateRole", "Write", null, null,
                        Map.of("RoleName", role, "AssumeRolePolicyDocument", trust("pai.aliyuncs.com")))));
                t.items.add(t.items.size() / 2 + 1, s -> actiontrail(t, s, "PaiDsw", "pai-dsw." + t.region + ".aliyuncs.com",
                        "CreateInstance", "Write", null, null, Map.of("InstanceName", "nb-" + t.name, "CredentialConfig",
                                "{\"AliyunEnvRoleKey\":\"0\",\"CredentialConfigItems\":[{\"Type\":\"Role\",\"Roles\":[{\"RoleArn\":\"acs:ram::"
                                        + t.account + ":role/" + role + "\",\"AssumeRoleFor\":\"0\"}]}]}")));
                t.items.add(admin(s -> actiontrail(admin, s, "Ram", "ram.aliyuncs.com", "UpdateRole", "Write", null, null,
                        Map.of("RoleName", role, "NewAssumeRolePolicyDocument", trust("ecs.aliyuncs.com")))));
            } else {
                t.items.add(changeOf(admin, t));
            }
        }
        List<RawRecord> records = layOut(actors, n);
        stats.put("records", (long) records.size());
        stats.put("principals", (long) actors.size());
        stats.put("plannedDenials", denied);
        stats.put("episodes", (long) episodes.size());
        stats.put("changes", changes - droppedChanges);
        // what landed (a change the corpus ends before is dropped)
        stats.put("policyVersionChanges", records.stream().filter(r -> names(r, "CreatePolicyVersion")).count());
        stats.put("trustChanges", records.stream().filter(r -> names(r, "UpdateRole")).count());
        long min = Long.MAX_VALUE;
        long max = 0;
        long sum = 0;
        for (RawRecord r : records) {
            min = Math.min(min, r.json().length);
            max = Math.max(max, r.json().length);
            sum += r.json().length;
        }
        stats.put("minBytes", min);
        stats.put("avgBytes", records.isEmpty() ? 0 : sum / records.size());
        stats.put("maxBytes", max);
        // Episode keys are the parsed principal keys (the generator does not guess the parser's normalisation).
        List<Episode> keyed = new ArrayList<>();
        Map<Integer, String> keys = actorKeys;
        for (int i = 0; i < episodes.size(); i++) {
            Episode e = episodes.get(i);
            keyed.add(new Episode(keys.get(Integer.parseInt(e.principalKey())), e.kind(), e.scenarioId(), e.grantType(),
                    e.grantValue(), e.denials(), e.resolved()));
        }
        return new Corpus(records, keyed, stats);
    }

    private final Map<Integer, String> actorKeys = new LinkedHashMap<>();
    private long droppedChanges;

    private boolean signalled(Actor a) {
        return a.hasEpisode && !a.scenario.signals().isEmpty();
    }

    /** Interleaves the principals' items at random (keeping each principal's order) and renders them. */
    private List<RawRecord> layOut(List<Actor> actors, int n) {
        int total = 0;
        for (Actor a : actors) {
            total += a.items.size();
        }
        int[] tickets = new int[total];
        int t = 0;
        for (Actor a : actors) {
            int own = a.items.size() - (a.hasChange ? 1 : 0);
            for (int k = 0; k < own; k++) {
                tickets[t++] = a.index;
            }
        }
        int ordinary = t;
        for (int i = ordinary - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int x = tickets[i];
            tickets[i] = tickets[j];
            tickets[j] = x;
        }
        record Pending(long at, int actor) {
        }
        PriorityQueue<Pending> pending = new PriorityQueue<>((x, y) -> x.at != y.at ? Long.compare(x.at, y.at) : Integer.compare(x.actor, y.actor));
        List<RawRecord> out = new ArrayList<>(total);
        int next = 0;
        while (next < ordinary || !pending.isEmpty()) {
            Actor a;
            if (!pending.isEmpty() && pending.peek().at <= out.size()) {
                a = actors.get(pending.poll().actor);
            } else if (next < ordinary) {
                a = actors.get(tickets[next++]);
            } else {
                // The corpus ends before this change's gap is honoured: drop it rather than break the order contract.
                pending.poll();
                droppedChanges++;
                continue;
            }
            Item item = a.items.get(a.emitted++);
            out.add(render(out.size(), a, item));
            if (a.hasChange && a.emitted == a.items.size() - 1) {
                pending.add(new Pending(out.size() + CHANGE_GAP + random.nextInt(CHANGE_GAP), a.index));
            }
        }
        return out;
    }

    private RawRecord render(long seq, Actor a, Item item) {
        long time = T0.toEpochMilli() + seq * options.spacingMillis();
        Stamp s = new Stamp(seq, time, uuid(), uuid().toUpperCase(Locale.ROOT), random);
        ObjectNode node = item.render(s);
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        AuditParser.Result parsed = parser.parse(json, "generated#" + seq, Hints.NONE);
        if (parsed.events().size() != 1) {
            throw new IllegalStateException("generated record " + seq + " does not parse: " + parsed.rejected());
        }
        AuditEvent e = parsed.events().get(0);
        if (!item.change()) {
            actorKeys.putIfAbsent(a.index, e.partitionKey());
        }
        String eventId = a.cloud == Cloud.HUAWEI ? node.path("trace_id").asText() : node.path("eventId").asText();
        // Keyed like the trail it comes from: one account's trail is one ordered stream (ingest reads its files in order).
        return new RawRecord(seq, a.cloud, e.routingKey(), eventId, time, json);
    }

    // ------------------------------------------------------------------ principals

    private Actor newActor(int i) {
        boolean huawei = random.nextDouble() < 0.4;
        Cloud cloud = huawei ? Cloud.HUAWEI : Cloud.ALIBABA;
        List<Scenario> pool = huawei ? hwScenarios : aliScenarios;
        Scenario s = pool.get(random.nextInt(pool.size()));
        while (!options.delegated() && (denialRequirement.get(s.id()).holder() == Holder.ROLE
                || denialRequirement.get(s.id()).holder() == Holder.AGENCY)) {
            s = pool.get(random.nextInt(pool.size()));
        }
        Requirement r = denialRequirement.get(s.id());
        Denial d = denials.get(s.id());
        if (huawei) {
            String domain = HW_DOMAINS[random.nextInt(HW_DOMAINS.length)];
            String region = HW_REGIONS[random.nextInt(HW_REGIONS.length)];
            if (r.holder() == Holder.AGENCY) {
                String agency = "ma-agency-" + i;
                return new Actor(i, cloud, domain, region, "AssumedAgency", agency, hex(32), "job-" + hex(4), "HSTA" + upper(16), s, d);
            }
            return new Actor(i, cloud, domain, region, "User", "iu" + i + "-" + WORDS[i % WORDS.length], hex(32), null,
                    "HSTA" + upper(16), s, d);
        }
        String account = ALI_ACCOUNTS[random.nextInt(ALI_ACCOUNTS.length)];
        String region = ALI_REGIONS[random.nextInt(ALI_REGIONS.length)];
        if (r.holder() == Holder.ROLE) {
            return new Actor(i, cloud, account, region, "assumed-role", "role-" + i + "-" + WORDS[i % WORDS.length],
                    "3" + digits(17), "dsw-" + hex(6), "STS.NT" + upper(20), s, d);
        }
        return new Actor(i, cloud, account, region, "ram-user", "u" + i + "-" + WORDS[i % WORDS.length], "2" + digits(17), null,
                "LTAI5t" + upper(18), s, d);
    }

    private Actor newAdmin(Actor target) {
        if (target.cloud == Cloud.HUAWEI) {
            return new Actor(-1, Cloud.HUAWEI, target.account, target.region, "User", "admin", hex(32), null, "HSTA" + upper(16),
                    target.scenario, target.denial);
        }
        return new Actor(-1, Cloud.ALIBABA, target.account, target.region, "root-account", "root", target.account, null,
                "TMP.3Kh" + upper(16), target.scenario, target.denial);
    }

    // ------------------------------------------------------------------ items

    private Item backgroundCall(Actor a) {
        double p = random.nextDouble();
        if (p < 0.01) {
            return failure(a);
        }
        if (a.cloud == Cloud.HUAWEI) {
            String[][] calls = {{"ECS", "listServersDetails", "ecs:cloudServers:list"}, {"VPC", "listVpcs", "vpc:vpcs:list"},
                {"OBS", "getObject", "obs:object:GetObject"}, {"ModelArts", "ShowJobV2", "modelarts:trainJob:get"},
                {"ModelArts", "ListNotebooks", "modelarts:notebook:list"}, {"SWR", "listRepositories", "swr:repository:list"},
                {"IAM", "keystoneListProjects", "iam:projects:list"}, {"OBS", "putObject", "obs:object:PutObject"}};
            String[] c = calls[random.nextInt(calls.length)];
            return s -> cts(a, s, c[0], c[1], "normal", 200, null, null);
        }
        String[][] calls = {{"Ecs", "ecs.aliyuncs.com", "DescribeInstances", "Read"}, {"Oss", "oss-cn-hangzhou.aliyuncs.com", "GetObject", "Read"},
            {"Sts", "sts.aliyuncs.com", "GetCallerIdentity", "Read"}, {"Ram", "ram.aliyuncs.com", "ListPolicies", "Read"},
            {"Vpc", "vpc.aliyuncs.com", "DescribeVpcs", "Read"}, {"PaiDsw", "pai-dsw.cn-hangzhou.aliyuncs.com", "ListInstances", "Read"},
            {"eas", "pai-eas.cn-hangzhou.aliyuncs.com", "DescribeService", "Read"}, {"Oss", "oss-cn-hangzhou.aliyuncs.com", "PutObject", "Write"}};
        String[] c = calls[random.nextInt(calls.length)];
        return s -> actiontrail(a, s, c[0], c[1], c[2], c[3], null, null, Map.of());
    }

    private Item failure(Actor a) {
        if (a.cloud == Cloud.HUAWEI) {
            return s -> cts(a, s, "VPC", "createSubnet", "warning", 400, "VPC.0101",
                    "{\"error_code\":\"VPC.0101\",\"error_msg\":\"Invalid cidr: the subnet overlaps an existing subnet.\"}");
        }
        return s -> actiontrail(a, s, "Ecs", "ecs.aliyuncs.com", "RunInstances", "Write", "InvalidInstanceType.NotSupported",
                "The specified InstanceType is not supported in this zone.", Map.of("InstanceType", "ecs.gn7i-c8g1.2xlarge"));
    }

    /** The scenario's signal call, the denial storm, and maybe a success that resolves it. Returns the ground truth (key = actor index until keyed).
    * */
    private Episode plantEpisode(Actor a, int size, boolean mayResolve) {
        if (signalled(a)) {
            String signal = a.scenario.signals().get(0).replace("*", "Create");
            String service;
            String api;
            if (signal.contains("/")) {
                service = signal.substring(0, signal.indexOf('/'));
                api = signal.substring(signal.indexOf('/') + 1);
            } else {
                service = signal.contains(":") ? signal.substring(0, signal.indexOf(':')) : "svc";
                api = signal.substring(signal.lastIndexOf(':') + 1);
            }
            a.items.add(a.cloud == Cloud.HUAWEI ? s -> cts(a, s, service, api, "normal", 200, null, null)
                    : s -> actiontrail(a, s, service, service.toLowerCase(Locale.ROOT) + ".aliyuncs.com", api, "Write", null, null, Map.of()));
        }
        double p = random.nextDouble();
        Episode.Kind kind;
        if (a.cloud == Cloud.ALIBABA && a.type.equals("ram-user") && p < 0.10) {
            kind = Episode.Kind.PASS_ROLE;
        } else if (a.cloud == Cloud.ALIBABA && a.type.equals("ram-user") && p < 0.16) {
            kind = Episode.Kind.ASSUME_ROLE;
        } else if (a.cloud == Cloud.ALIBABA && p < 0.20) {
            kind = Episode.Kind.EXPLICIT;
        } else if (p < 0.27) {
            kind = Episode.Kind.UNMAPPED;
        } else {
            kind = Episode.Kind.SCENARIO;
        }
        Denial d = a.denial;
        String role = "acs:ram::" + a.account + ":role/dsw-role-" + a.index;
        Item denial;
        Item success;
        GrantType grantType;
        String grantValue;
        switch (kind) {
            case PASS_ROLE -> {
                boolean code = random.nextBoolean();
                Map<String, String> params = Map.of("WorkspaceId", digits(6), "InstanceName", "nb-" + a.name,
                        "CredentialConfig", "{\"Enable\": true, \"ConfigList\": [{\"Type\": \"Role\", \"RoleArn\": \"" + role + "\"}]}");
                denial = s -> actiontrail(a, s, "PaiDsw", "pai-dsw." + a.region + ".aliyuncs.com", "CreateInstance", "Write",
                        code ? "PassRoleFailedError" : "NoPermission",
                        code ? "The current user is not authorized to perform action ram:PassRole on resource " + role + "."
                                : "You are not authorized to do this action. Resource: acs:ram:*:" + a.account + ":role/dsw-role-" + a.index
                                + " Action: ram:PassRole", params);
                success = s -> actiontrail(a, s, "PaiDsw", "pai-dsw." + a.region + ".aliyuncs.com", "CreateInstance", "Write", null, null, params);
                grantType = GrantType.PASS_ROLE;
                grantValue = "ram:PassRole";
            }
            case ASSUME_ROLE -> {
                Map<String, String> params = Map.of("WorkspaceId", digits(6), "InstanceName", "nb-" + a.name,
                        "CredentialConfig", "{\"Enable\": true, \"ConfigList\": [{\"Type\": \"Role\", \"RoleArn\": \"" + role + "\"}]}");
                denial = s -> actiontrail(a, s, "PaiDsw", "pai-dsw." + a.region + ".aliyuncs.com", "CreateInstance", "Write",
                        "AssumeRoleFailedError", "Failed to assume role " + role
                                + ". Please check that the trust policy of the role allows pai.aliyuncs.com to assume it.", params);
                success = s -> actiontrail(a, s, "PaiDsw", "pai-dsw." + a.region + ".aliyuncs.com", "CreateInstance", "Write", null, null, params);
                grantType = GrantType.TRUST_PRINCIPAL;
                grantValue = "pai.aliyuncs.com";
            }
            case EXPLICIT -> {
                String bucket = "ml-data-" + a.index;
                Map<String, String> params = Map.of("BucketName", bucket);
                denial = s -> actiontrail(a, s, "Oss", bucket + ".oss-" + a.region + "-internal.aliyuncs.com", "GetBucketInfo", "Read",
                        "AccessDenied", "Access denied by bucket policy. EC: 0003-00000201 <AccessDeniedDetail><PolicyType>ResourceBasedPolicy"
                                + "</PolicyType><NoPermissionType>ExplicitDeny</NoPermissionType><AuthAction>oss:GetBucketInfo</AuthAction>"
                                + "</AccessDeniedDetail>", params);
                success = s -> actiontrail(a, s, "Oss", bucket + ".oss-" + a.region + "-internal.aliyuncs.com", "GetBucketInfo", "Read",
                        null, null, params);
                grantType = GrantType.ACTION;
                grantValue = "oss:GetBucketInfo";
            }
            case UNMAPPED -> {
                if (a.cloud == Cloud.HUAWEI) {
                    denial = s -> cts(a, s, "DNS", "createRecordSet", "warning", 403, "DNS.0030",
                            "{\"error_code\":\"DNS.0030\",\"error_msg\":\"User: " + a.name + " is not authorized to perform action "
                                    + "dns:recordset:create on resource dns:" + a.region + ":" + a.account
                                    + ":recordset:* because no identity-based policy allows the dns:recordset:create action.\"}");
                    success = s -> cts(a, s, "DNS", "createRecordSet", "normal", 202, null, null);
                    grantValue = "dns:recordset:create";
                } else {
                    denial = s -> actiontrail(a, s, "CloudAPI", "apigateway." + a.region + ".aliyuncs.com", "DescribeApiGroups", "Read",
                            "Forbidden.RAM", "User not authorized to operate on the specified resource, or this API doesn't support RAM.",
                            Map.of("PageSize", "50"));
                    success = s -> actiontrail(a, s, "CloudAPI", "apigateway." + a.region + ".aliyuncs.com", "DescribeApiGroups", "Read",
                            null, null, Map.of("PageSize", "50"));
                    grantValue = "DescribeApiGroups";
                }
                grantType = GrantType.ACTION;
            }
            default -> {
                if (a.cloud == Cloud.HUAWEI) {
                    String resource = d.service() + ":" + a.region + ":" + a.account + ":" + d.api().toLowerCase(Locale.ROOT) + ":*";
                    denial = s -> cts(a, s, d.service(), d.api(), "warning", 403, "AccessDenied",
                            "{\"error_code\":\"AccessDenied\",\"error_msg\":\"User: " + a.account + "/" + a.name
                                    + " is not authorized to perform action "
                                    + d.action() + " on resource " + resource + " because no identity-based policy allows the " + d.action()
                                    + " action.\"}");
                    success = s -> cts(a, s, d.service(), d.api(), "normal", 200, null, null);
                } else {
                    String host = d.service().toLowerCase(Locale.ROOT) + "." + a.region + ".aliyuncs.com";
                    denial = s -> actiontrail(a, s, d.service(), host, d.api(), "Write", "NoPermission",
                            "You are not authorized to do this action. Resource: acs:" + d.service() + ":" + a.region + ":" + a.account
                                    + ":*/* Action: " + d.action(), Map.of());
                    success = s -> actiontrail(a, s, d.service(), host, d.api(), "Write", null, null, Map.of());
                }
                grantType = GrantType.ACTION;
                grantValue = d.action();
            }
        }
        for (int k = 0; k < size; k++) {
            a.items.add(denial);
        }
        boolean resolved = mayResolve && random.nextDouble() < 0.4;
        if (resolved) {
            a.items.add(success);
        }
        return new Episode(String.valueOf(a.index), kind, kind == Episode.Kind.UNMAPPED ? null : a.scenario.id(), grantType, grantValue,
                size, resolved);
    }

    private Item changeOf(Actor admin, Actor target) {
        String policy = systemPolicy(target.scenario);
        if (target.cloud == Cloud.HUAWEI) {
            return new Item() {
                @Override
                public ObjectNode render(Stamp s) {
                    ObjectNode n = cts(admin, s, "IAM", "detachAgencyPolicyV5", "normal", 200, null, "{}");
                    n.put("trace_type", "ConsoleAction");
                    n.put("resource_type", "agency");
                    n.put("resource_name", target.name);
                    n.put("request", "{\"agency_id\": \"" + target.id + "\", \"policy_id\": \"p-" + hex(6) + "\", \"policy_name\": \""
                            + policy + "\"}");
                    return n;
                }

                @Override
                public boolean change() {
                    return true;
                }
            };
        }
        return new Item() {
            @Override
            public ObjectNode render(Stamp s) {
                return actiontrail(admin, s, "Ram", "ram.aliyuncs.com", "DetachPolicyFromUser", "Write", null, null,
                        Map.of("PolicyType", "System", "PolicyName", policy, "UserName", target.name));
            }

            @Override
            public boolean change() {
                return true;
            }
        };
    }

    private static boolean names(RawRecord r, String eventName) {
        return new String(r.json(), StandardCharsets.UTF_8).contains("\"eventName\":\"" + eventName + "\"");
    }

    /** A custom policy's first version (what the trail's CreatePolicy carries) and its second, without EAS. */
    static final String POLICY_V1 = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"eas:DescribeService\","
            + "\"eas:CreateService\",\"eas:UpdateService\"],\"Resource\":\"*\"},{\"Effect\":\"Allow\",\"Action\":[\"oss:GetObject\","
            + "\"oss:PutObject\"],\"Resource\":\"acs:oss:*:*:ml-data/*\"}]}";
    static final String POLICY_V2 = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"oss:GetObject\","
            + "\"oss:PutObject\"],\"Resource\":\"acs:oss:*:*:ml-data/*\"}]}";

    private static String trust(String service) {
        return "{\"Statement\":[{\"Action\":\"sts:AssumeRole\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":[\""
                + service + "\"]}}],\"Version\":\"1\"}";
    }

    /** An administrator's IAM call planned in the target's items: it does not name the target's partition key. */
    private static Item admin(Item call) {
        return new Item() {
            @Override
            public ObjectNode render(Stamp s) {
                return call.render(s);
            }

            @Override
            public boolean change() {
                return true;
            }
        };
    }

    /** A successful EAS call of the target: what the policy's first version allows and the second no longer does. */
    private Item easCall(Actor t) {
        return s -> actiontrail(t, s, "eas", "pai-eas." + t.region + ".aliyuncs.com", "DescribeService", "Read", null, null,
                Map.of("ServiceName", "svc-" + t.index));
    }

    private static String systemPolicy(Scenario s) {
        for (Requirement r : s.requirements()) {
            if (r.grant().type() == GrantType.SYSTEM_POLICY) {
                return r.grant().value();
            }
        }
        return s.cloud() == Cloud.HUAWEI ? "ModelArts CommonOperations" : "AliyunPAIFullAccess";
    }

    // ------------------------------------------------------------------ shapes

    private ObjectNode actiontrail(Actor a, Stamp s, String service, String source, String api, String rw, String errorCode,
                                   String errorMessage, Map<String, String> extra) {
        ObjectNode n = JSON.createObjectNode();
        n.put("eventId", s.eventId());
        n.put("eventVersion", 1);
        n.put("eventType", "ApiCall");
        n.put("eventCategory", "Management");
        n.put("eventRW", rw);
        n.put("eventName", api);
        n.put("eventSource", source);
        n.put("serviceName", service);
        n.put("acsRegion", a.region);
        n.put("eventTime", DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(s.timeMillis())));
        n.put("requestId", s.requestId());
        n.put("apiVersion", "2022-01-01");
        n.put("sourceIpAddress", "203.0." + (a.index & 0xff) % 113 + "." + (1 + Math.floorMod(a.index * 7, 250)));
        n.put("userAgent", "AlibabaCloud (Linux 5.15; amd64) Java/17.0.9 Core/4.7.3 HTTPClient/ApacheHttpClient");
        ObjectNode id = n.putObject("userIdentity");
        id.put("type", a.type);
        Map<String, String> params = new LinkedHashMap<>(extra);
        switch (a.type) {
            case "assumed-role" -> {
                id.put("principalId", a.id + ":" + a.session);
                id.put("accountId", a.account);
                id.put("userName", a.name + ":" + a.session);
                id.put("accessKeyId", a.accessKey);
                params.put("stsTokenPrincipalName", a.name + "/" + a.session);
                params.put("stsTokenPlayerUid", a.account);
            }
            case "root-account" -> {
                id.put("principalId", a.account);
                id.put("accountId", a.account);
                id.put("userName", "root");
                id.put("accessKeyId", a.accessKey);
            }
            default -> {
                id.put("principalId", a.id);
                id.put("accountId", a.account);
                id.put("userName", a.name);
                id.put("accessKeyId", a.accessKey);
                ObjectNode attrs = id.putObject("sessionContext").putObject("attributes");
                attrs.put("mfaAuthenticated", "false");
                attrs.put("creationDate", DateTimeFormatter.ISO_INSTANT.format(T0));
            }
        }
        if (params.isEmpty() || s.random().nextInt(3) == 0) {
            params.put("Description", words(s.random(), 10 + s.random().nextInt(90)));
        }
        params.put("AcsHost", source);
        params.put("RegionId", a.region);
        params.put("RequestId", s.requestId());
        ObjectNode rp = n.putObject("requestParameters");
        params.forEach(rp::put);
        n.put("isGlobal", false);
        n.put("recipientAccountId", a.account);
        ObjectNode add = n.putObject("additionalEventData");
        add.put("Scheme", "https");
        add.put("CallerBid", "26842");
        try {
            n.put("requestParameterJson", JSON.writeValueAsString(rp));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        n.put("errorCode", errorCode == null ? "" : errorCode);
        n.put("errorMessage", errorMessage == null ? "" : errorMessage);
        return n;
    }

    private ObjectNode cts(Actor a, Stamp s, String service, String api, String rating, int code, String errorCode, String response) {
        ObjectNode n = JSON.createObjectNode();
        n.put("trace_id", s.eventId());
        n.put("trace_name", api);
        n.put("trace_rating", rating);
        n.put("trace_type", service.equals("OBS") ? "ObsSDK" : "ApiCall");
        n.put("event_type", service.equals("OBS") ? "data" : "system");
        n.put("service_type", service);
        n.put("resource_type", api.replaceAll("^(list|show|get|create|delete|update)", "").toLowerCase(Locale.ROOT));
        n.put("resource_name", WORDS[s.random().nextInt(WORDS.length)] + "-" + WORDS[s.random().nextInt(WORDS.length)]);
        n.put("resource_id", uuid());
        n.put("source_ip", "198.51." + (a.index & 0x3f) + "." + (1 + Math.floorMod(a.index * 11, 250)));
        n.put("code", String.valueOf(code));
        n.put("api_version", "v2");
        n.put("time", s.timeMillis());
        n.put("record_time", s.timeMillis() + 850);
        n.put("tracker_name", service.equals("OBS") ? "obs-data-tracker" : "system");
        n.put("read_only", api.startsWith("list") || api.startsWith("show") || api.startsWith("get"));
        n.put("domain_id", a.account);
        n.put("project_id", "8e1b9f0c2d3a4b5c6d7e8f9a0b1c2d3e");
        ObjectNode u = n.putObject("user");
        if (a.type.equals("AssumedAgency")) {
            u.put("type", "AssumedAgency");
            u.put("name", "acme-ml/" + a.name);
            u.put("id", a.id);
            u.put("principal_id", a.id + ":" + a.session);
            u.put("principal_urn", "sts::" + a.account + ":assumed-agency:" + a.name + "/" + a.session);
        } else {
            u.put("type", "User");
            u.put("name", a.name);
            u.put("user_name", a.name);
            u.put("id", a.id);
            u.put("principal_id", a.id);
            u.put("principal_urn", "iam::" + a.account + ":user:" + a.name);
        }
        u.put("principal_is_root_user", "false");
        u.put("account_id", a.account);
        u.put("access_key_id", a.accessKey);
        ObjectNode dom = u.putObject("domain");
        dom.put("name", "acme-ml");
        dom.put("id", a.account);
        n.put("request", "{\"kind\": \"job\", \"metadata\": {\"name\": \"" + WORDS[s.random().nextInt(WORDS.length)]
                + "\", \"description\": \"" + words(s.random(), 20 + s.random().nextInt(120)) + "\"}}");
        n.put("response", response != null ? response : "{\"metadata\": {\"id\": \"" + hex(8) + "\"}, \"status\": {\"phase\": \"Running\"}}");
        if (errorCode != null) {
            n.put("code_message", errorCode);
        }
        return n;
    }

    // ------------------------------------------------------------------ randomness

    private static String words(Random r, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(WORDS[r.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    private String uuid() {
        String h = hex(32);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20) + "-" + h.substring(20);
    }

    private String hex(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(Character.forDigit(random.nextInt(16), 16));
        }
        return sb.toString();
    }

    private String digits(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('0' + random.nextInt(10)));
        }
        return sb.toString();
    }

    private String upper(int n) {
        String abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz";
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(abc.charAt(random.nextInt(abc.length())));
        }
        return sb.toString();
    }

    /** Raw bytes as a string, for tests and reports. */
    public static String text(RawRecord r) {
        return new String(r.json(), StandardCharsets.UTF_8);
    }
}
