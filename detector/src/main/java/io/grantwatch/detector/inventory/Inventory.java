package io.grantwatch.detector.inventory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.model.inventory.InventoryRecord;
import io.grantwatch.model.inventory.InventoryRecord.PolicyRef;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.redact.Redactor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the principals of one account hold, as GrantWatch knows it: policies attached to users, groups, roles and
 * agencies; policy documents and their versions; role and agency trust policies; group membership. Detector state
 * keyed by account ({@code cloud:account}), like {@code account-activity}. Immutable: {@link #apply} returns the next
 * inventory. Every fact carries the time it was true (a snapshot's time, a change's event time); a record older than
 * the fact it would replace or remove is ignored, so a snapshot and the trail's changes meet in either order.
 *
 * <p>Holders are keyed {@code user/<name>}, {@code group/<name>}, {@code role/<name>}, {@code agency/<name>} (Huawei
 * names some by id: an id is a key too, and {@link #aliases} maps it to the name when GrantWatch learned both);
 * policies by {@link PolicyRef#key()}.
 *
 * @param attachments holder → policy key → since (epoch ms)
 * @param policies    policy key → what is known of it
 * @param trust       {@code role/<name>} or {@code agency/<name>} → its trust policy
 * @param groups      {@code user/<name or id>} → group name or id → since
 * @param aliases     {@code agency/<id>} → {@code agency/<name>}, {@code id/<policy id>} → {@code Custom/<name>}, ...
 */
public record Inventory(
        Map<String, Map<String, Long>> attachments,
        Map<String, Policy> policies,
        Map<String, Doc> trust,
        Map<String, Map<String, Long>> groups,
        Map<String, String> aliases) {

    /** Bounds per account: RAM allows 5 versions per policy; the rest keep one account's state to some hundreds of KB. */
    public static final int MAX_HOLDERS = 2_000;
    public static final int MAX_POLICIES_PER_HOLDER = 100;
    public static final int MAX_POLICIES = 1_000;
    public static final int MAX_VERSIONS = 5;
    public static final int MAX_GROUPS_PER_USER = 100;
    public static final int MAX_ALIASES = 2_000;
    /** Larger documents are not kept (RAM caps a policy document at 6,144 characters). */
    public static final int MAX_DOCUMENT_CHARS = 16_384;

    /**
     * A policy.
     *
     * @param ref            its type, name and id as last seen
     * @param defaultVersion the default version, when known
     * @param at             when its default version was last set (epoch ms)
     * @param versions       version → document; a version whose id the record did not give is {@code @<ISO time>}; a
     *                       policy without versions (Huawei v3) has the one version {@code -}
     */
    public record Policy(PolicyRef ref, String defaultVersion, long at, Map<String, Doc> versions) {
        /** The document in force: the default version's, or the only one when the policy has one; null when unknown. */
        public Map.Entry<String, Doc> current() {
            if (defaultVersion != null && versions.containsKey(defaultVersion)) {
                return Map.entry(defaultVersion, versions.get(defaultVersion));
            }
            if (defaultVersion == null && versions.size() == 1) {
                return versions.entrySet().iterator().next();
            }
            return null;
        }
    }

    /** A document (parsed JSON) and when it was true. */
    public record Doc(JsonNode document, long at) {
    }

    public static Inventory empty() {
        return new Inventory(Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
    }

    public boolean isEmpty() {
        return attachments.isEmpty() && policies.isEmpty() && trust.isEmpty() && groups.isEmpty();
    }

    /** The holder key of a record ({@code user/alice}). */
    static String holderKey(String type, String name) {
        return type + "/" + name;
    }

    /** The key a holder or policy is known under: itself, or the name its id is an alias of. */
    public String canonical(String key) {
        String a = aliases.get(key);
        return a != null ? a : key;
    }

    /** The policy an attachment's key names, or null: by name, by id (its alias), or an id that is in fact a name. */
    /** Whether the inventory lists {@code ref} on the holder ({@code user}, {@code group}, {@code role}, {@code agency} + name). */
    public boolean holds(String holderType, String holder, PolicyRef ref) {
        Map<String, Long> held = attachments.get(canonical(holderKey(holderType, holder)));
        return held != null && ref != null && held.containsKey(ref.name() != null ? ref.key() : resolve(policies, aliases, ref.key()));
    }

    public Policy policy(String key) {
        return policies.get(resolve(policies, aliases, key));
    }

    /**
     * {@code id/<x>} as the key it is known under: its alias; or, when a trace's resource gave a name where an id was
     * expected, the custom or system policy of that name; else itself.
     */
    public static String resolve(Map<String, Policy> policies, Map<String, String> aliases, String key) {
        String k = aliases.getOrDefault(key, key);
        if (policies.containsKey(k) || !k.startsWith("id/")) {
            return k;
        }
        String x = k.substring(3);
        return policies.containsKey("Custom/" + x) ? "Custom/" + x : policies.containsKey("System/" + x) ? "System/" + x : k;
    }

    /** The next inventory with one record applied; {@code this} when it changes nothing. */
    public Inventory apply(InventoryRecord r) {
        if (!complete(r)) {
            return this; // a record another producer left without what its kind needs says nothing
        }
        Builder b = new Builder(this);
        long t = r.asOf().toEpochMilli();
        String holder = r.holder() == null || r.holderType() == null ? null : b.canonical(holderKey(r.holderType(), r.holder()));
        switch (r.kind()) {
            case HOLDS -> {
                Map<String, Long> now = new LinkedHashMap<>(b.attachments.getOrDefault(holder, Map.of()));
                now.values().removeIf(since -> since <= t);
                for (PolicyRef p : r.policies()) {
                    b.learnPolicy(p, t, false);
                    now.merge(b.policyKey(p), t, Math::max);
                }
                b.attachments.put(holder, cap(now, MAX_POLICIES_PER_HOLDER));
            }
            case ATTACH -> {
                PolicyRef p = r.policies().get(0);
                b.learnPolicy(p, t, false);
                Map<String, Long> now = new LinkedHashMap<>(b.attachments.getOrDefault(holder, Map.of()));
                now.merge(b.policyKey(p), t, Math::max);
                b.attachments.put(holder, cap(now, MAX_POLICIES_PER_HOLDER));
            }
            case DETACH -> {
                Map<String, Long> now = new LinkedHashMap<>(b.attachments.getOrDefault(holder, Map.of()));
                String key = b.policyKey(r.policies().get(0));
                Long since = now.get(key);
                if (since == null || since > t) {
                    return this;
                }
                now.remove(key);
                b.putOrRemove(b.attachments, holder, now);
            }
            case POLICY -> {
                Policy p = b.learnPolicy(r.policy(), t, true);
                if (r.version() != null && t >= p.at()) {
                    b.policies.put(b.policyKey(r.policy()), new Policy(p.ref(), r.version(), t,
                            named(p.versions(), p.defaultVersion(), r.version(), t)));
                }
            }
            case POLICY_VERSION -> {
                JsonNode doc = parse(r.document());
                if (doc == null) {
                    return this;
                }
                Policy p = b.learnPolicy(r.policy(), t, true);
                String v = r.version() != null ? r.version() : "@" + r.asOf();
                Doc old = p.versions().get(v);
                if (old != null && old.at() > t) {
                    return this;
                }
                Map<String, Doc> versions = new LinkedHashMap<>(p.versions());
                versions.put(v, new Doc(doc, t));
                String def = p.defaultVersion();
                long at = p.at();
                if (r.asDefault() && t >= at) {
                    def = v;
                    at = t;
                }
                b.policies.put(b.policyKey(r.policy()), new Policy(p.ref(), def, at, capVersions(versions, def)));
            }
            case DELETE_VERSION -> {
                String key = b.policyKey(r.policy());
                Policy p = b.policies.get(key);
                Doc old = p == null || r.version() == null ? null : p.versions().get(r.version());
                if (old == null || old.at() > t) {
                    return this;
                }
                Map<String, Doc> versions = new LinkedHashMap<>(p.versions());
                versions.remove(r.version());
                b.policies.put(key, new Policy(p.ref(), p.defaultVersion(), p.at(), versions));
            }
            case DELETE_POLICY -> {
                String key = b.policyKey(r.policy());
                Policy p = b.policies.get(key);
                if (p == null || p.at() > t || p.versions().values().stream().anyMatch(d -> d.at() > t)) {
                    return this;
                }
                b.policies.remove(key);
            }
            case TRUST -> {
                JsonNode doc = parse(r.document());
                Doc old = b.trust.get(holder);
                if (doc == null || old != null && old.at() > t) {
                    return this;
                }
                b.trust.put(holder, new Doc(doc, t));
            }
            case DELETE_HOLDER -> {
                boolean changed = removeOlder(b.attachments, holder, t) | removeOlder(b.groups, holder, t);
                Doc old = b.trust.get(holder);
                if (old != null && old.at() <= t) {
                    b.trust.remove(holder);
                    changed = true;
                }
                if (!changed) {
                    return this;
                }
            }
            case GROUPS -> {
                Map<String, Long> now = new LinkedHashMap<>(b.groups.getOrDefault(holder, Map.of()));
                now.values().removeIf(since -> since <= t);
                for (String g : r.groups()) {
                    now.merge(g, t, Math::max);
                }
                b.putOrRemove(b.groups, holder, cap(now, MAX_GROUPS_PER_USER));
            }
            case JOIN -> {
                Map<String, Long> now = new LinkedHashMap<>(b.groups.getOrDefault(holder, Map.of()));
                now.merge(r.groups().get(0), t, Math::max);
                b.groups.put(holder, cap(now, MAX_GROUPS_PER_USER));
            }
            case LEAVE -> {
                Map<String, Long> now = new LinkedHashMap<>(b.groups.getOrDefault(holder, Map.of()));
                Long since = now.get(r.groups().get(0));
                if (since == null || since > t) {
                    return this;
                }
                now.remove(r.groups().get(0));
                b.putOrRemove(b.groups, holder, now);
            }
            case ALIAS -> b.alias(holderKey(r.holderType(), r.id()), holderKey(r.holderType(), r.holder()));
        }
        Inventory next = b.build();
        return next.equals(this) ? this : next;
    }

    /** Whether a record has what its kind needs (the topic may carry records of other producers). */
    static boolean complete(InventoryRecord r) {
        boolean holder = r.holderType() != null && r.holder() != null && !r.holder().isBlank();
        return switch (r.kind()) {
            case HOLDS -> holder && r.policies() != null;
            case ATTACH, DETACH -> holder && r.policies() != null && r.policies().size() == 1;
            case POLICY, POLICY_VERSION, DELETE_POLICY, DELETE_VERSION -> r.policy() != null;
            case TRUST, DELETE_HOLDER -> holder;
            case GROUPS -> holder && r.groups() != null;
            case JOIN, LEAVE -> holder && r.groups() != null && r.groups().size() == 1;
            case ALIAS -> holder && r.id() != null && !r.id().isBlank();
        };
    }

    /** The document as JSON, or null when it is missing, too large, masked by ingest or not JSON. */
    static JsonNode parse(String text) {
        if (text == null || text.isBlank() || text.length() > MAX_DOCUMENT_CHARS || text.contains(Redactor.MASK)) {
            return null;
        }
        try {
            JsonNode doc = Json.wire().readTree(text);
            return doc != null && doc.isObject() ? doc : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static boolean removeOlder(Map<String, Map<String, Long>> map, String key, long t) {
        Map<String, Long> held = map.get(key);
        if (held == null) {
            return false;
        }
        Map<String, Long> now = new LinkedHashMap<>(held);
        now.values().removeIf(since -> since <= t);
        if (now.size() == held.size()) {
            return false;
        }
        if (now.isEmpty()) {
            map.remove(key);
        } else {
            map.put(key, now);
        }
        return true;
    }

    static <K, V> Map<K, V> frozen(Map<K, V> m) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /** The newest {@code max} entries. */
    private static Map<String, Long> cap(Map<String, Long> m, int max) {
        if (m.size() <= max) {
            return m;
        }
        List<Map.Entry<String, Long>> byAge = new ArrayList<>(m.entrySet());
        byAge.sort(Map.Entry.comparingByValue());
        Map<String, Long> out = new LinkedHashMap<>(m);
        for (int i = 0; i < byAge.size() - max; i++) {
            out.remove(byAge.get(i).getKey());
        }
        return out;
    }

    /** At most {@link #MAX_VERSIONS}: the oldest version that is not the default goes first. */
    /**
     * The console's two steps: CreatePolicyVersion without SetAsDefault (the record carries no version id, so it is kept as
     * {@code @<time>}), then SetDefaultPolicyVersion naming it. A default the versions do not know is taken to be the one
     * version created without an id before it (and not the default already), when there is exactly one; otherwise nothing is
     * guessed.
     */
    private static Map<String, Doc> named(Map<String, Doc> versions, String current, String version, long at) {
        if (versions.containsKey(version)) {
            return versions;
        }
        List<String> unnamed = versions.entrySet().stream().filter(v -> v.getKey().startsWith("@") && !v.getKey().equals(current)
                        && v.getValue().at() <= at)
                .map(Map.Entry::getKey).toList();
        if (unnamed.size() != 1) {
            return versions;
        }
        Map<String, Doc> out = new LinkedHashMap<>(versions);
        out.put(version, out.remove(unnamed.get(0)));
        return out;
    }

    private static Map<String, Doc> capVersions(Map<String, Doc> versions, String def) {
        while (versions.size() > MAX_VERSIONS) {
            String victim = versions.entrySet().stream().filter(e -> !e.getKey().equals(def))
                    .min(Comparator.comparingLong(e -> e.getValue().at())).map(Map.Entry::getKey).orElseThrow();
            versions.remove(victim);
        }
        return versions;
    }

    /** Mutable copies for one {@link #apply}. */
    private static final class Builder {
        final Map<String, Map<String, Long>> attachments;
        final Map<String, Policy> policies;
        final Map<String, Doc> trust;
        final Map<String, Map<String, Long>> groups;
        final Map<String, String> aliases;

        Builder(Inventory i) {
            attachments = new LinkedHashMap<>(i.attachments);
            policies = new LinkedHashMap<>(i.policies);
            trust = new LinkedHashMap<>(i.trust);
            groups = new LinkedHashMap<>(i.groups);
            aliases = new LinkedHashMap<>(i.aliases);
        }

        String canonical(String key) {
            String a = aliases.get(key);
            return a != null ? a : key;
        }

        String policyKey(PolicyRef p) {
            return p.name() != null ? p.key() : resolve(policies, aliases, p.key());
        }

        /**
         * The policy, created or with its reference completed (a name learned for an id-only policy moves what was known
         * under the id to the name). {@code versioned}: the caller is about to write versions or the default.
         */
        Policy learnPolicy(PolicyRef ref, long t, boolean versioned) {
            String key = policyKey(ref);
            Policy p = policies.get(key);
            if (ref.name() != null && ref.id() != null) {
                String idKey = "id/" + ref.id();
                Policy byId = policies.remove(idKey);
                alias(idKey, key);
                if (byId != null && p == null) {
                    p = byId;
                }
                for (Map.Entry<String, Map<String, Long>> h : attachments.entrySet()) {
                    Long since = h.getValue().get(idKey);
                    if (since != null) {
                        Map<String, Long> now = new LinkedHashMap<>(h.getValue());
                        now.remove(idKey);
                        now.merge(key, since, Math::max);
                        h.setValue(now);
                    }
                }
            }
            if (p == null) {
                p = new Policy(ref, null, Long.MIN_VALUE, Map.of());
            } else if (!p.ref().equals(merge(p.ref(), ref))) {
                p = new Policy(merge(p.ref(), ref), p.defaultVersion(), p.at(), p.versions());
            } else if (!versioned) {
                return p;
            }
            policies.put(key, p);
            while (policies.size() > MAX_POLICIES) {
                String victim = policies.entrySet().stream().filter(e -> !e.getKey().equals(key))
                        .min(Comparator.comparingLong(e -> newest(e.getValue()))).map(Map.Entry::getKey).orElseThrow();
                policies.remove(victim);
            }
            return p;
        }

        private static long newest(Policy p) {
            return Math.max(p.at(), p.versions().values().stream().mapToLong(Doc::at).max().orElse(Long.MIN_VALUE));
        }

        private static PolicyRef merge(PolicyRef old, PolicyRef now) {
            // a v5 trace's resource (the policy's name) arrives as an id-only reference: it is no new id
            boolean nameAsId = now.name() == null && now.id() != null && now.id().equals(old.name());
            return new PolicyRef(now.type() != null ? now.type() : old.type(), now.name() != null ? now.name() : old.name(),
                    now.id() != null && !nameAsId ? now.id() : old.id());
        }

        void alias(String from, String to) {
            if (from.equals(to)) {
                return;
            }
            aliases.remove(from);
            aliases.put(from, to);
            while (aliases.size() > MAX_ALIASES) {
                aliases.remove(aliases.keySet().iterator().next());
            }
            // what was known under the id now lives under the name
            for (Map<String, Map<String, Long>> m : List.of(attachments, groups)) {
                Map<String, Long> byId = m.remove(from);
                if (byId != null) {
                    Map<String, Long> now = new LinkedHashMap<>(m.getOrDefault(to, Map.of()));
                    byId.forEach((k, v) -> now.merge(k, v, Math::max));
                    m.put(to, now);
                }
            }
            Doc t = trust.remove(from);
            if (t != null && (!trust.containsKey(to) || trust.get(to).at() < t.at())) {
                trust.put(to, t);
            }
        }

        <V> void putOrRemove(Map<String, Map<String, V>> m, String key, Map<String, V> value) {
            if (value.isEmpty()) {
                m.remove(key);
            } else {
                m.put(key, value);
            }
        }

        Inventory build() {
            while (attachments.size() > MAX_HOLDERS) {
                attachments.remove(attachments.keySet().iterator().next());
            }
            while (groups.size() > MAX_HOLDERS) {
                groups.remove(groups.keySet().iterator().next());
            }
            // insertion order is kept (and encoded): which of two matching Deny statements is named first must not vary by run
            return new Inventory(frozen(attachments), frozen(policies), frozen(trust), frozen(groups), frozen(aliases));
        }
    }
}
