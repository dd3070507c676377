package io.grantwatch.detector;

import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.IamChange;
import io.grantwatch.model.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;


/** A mutable copy of a principal's state for the duration of one step of {@link DetectionEngine}. */
final class Working {
    final String key;
    Principal principal;
    Instant watermark;
    final List<Activity> recent;
    final LinkedHashMap<String, Long> succeeded;
    final List<FindingRef> findings;
    final List<IamChange> changes;
    final long late;

    Working(PrincipalState s, Principal latest) {
        key = s.key();
        // An equal principal keeps the stored instance: its strings are already hashed and shared with the cached state.
        principal = latest == null || latest.equals(s.principal()) ? s.principal() : latest;
        watermark = s.watermark();
        recent = new ArrayList<>(s.recent());
        succeeded = new LinkedHashMap<>(s.succeeded());
        findings = new ArrayList<>(s.findings());
        changes = new ArrayList<>(s.changes());
        late = s.late();
    }

    void observe(AuditEvent e) {
        watermark = max(watermark, e.eventTime());
        Activity a = new Activity(e.eventTime(), e.iamAction() == null ? null : e.iamAction().toLowerCase(Locale.ROOT),
                DetectionEngine.apiKey(e), e.outcome());
        int i = recent.size();
        while (i > 0 && recent.get(i - 1).at() > a.at()) {
            i--;
        }
        // the same call at the same instant is a re-send (replayed files, overlapping pollers): counted once
        for (int j = i - 1; j >= 0 && recent.get(j).at() == a.at(); j--) {
            if (recent.get(j).equals(a)) {
                return;
            }
        }
        recent.add(i, a);
    }

    void capSucceeded(int cap) {
        if (succeeded.size() <= cap) {
            return;
        }
        List<Map.Entry<String, Long>> byAge = new ArrayList<>(succeeded.entrySet());
        byAge.sort(Map.Entry.comparingByValue());
        for (int i = 0; i < byAge.size() - cap; i++) {
            succeeded.remove(byAge.get(i).getKey());
        }
    }

    int indexOf(String id) {
        for (int i = 0; i < findings.size(); i++) {
            if (findings.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    IamChange latestChangeBefore(Instant t) {
        IamChange best = null;
        for (IamChange c : changes) {
            if (!c.time().isAfter(t) && (best == null || c.time().isAfter(best.time()))) {
                best = c;
            }
        }
        return best;
    }

    PrincipalState snapshot() {
        return new PrincipalState(key, principal, watermark, recent, succeeded, findings, changes, late);
    }

    /** The state this step leaves; the last call on this copy. */
    PrincipalState toState(DetectorSettings settings) {
        if (watermark != null) {
            long horizon = watermark.minus(settings.activityWindow()).toEpochMilli();
            recent.removeIf(a -> a.at() < horizon);
        }
        while (recent.size() > settings.activityCap()) {
            recent.remove(0);
        }
        while (findings.size() > settings.findingCap()) {
            int victim = 0;
            for (int i = 0; i < findings.size(); i++) {
                if (!findings.get(i).open()) {
                    victim = i;
                    break;
                }
            }
            findings.remove(victim);
        }
        // the last use of this copy: its map goes to the state without another copy
        return new PrincipalState(key, principal, watermark, recent, SealedMap.owning(succeeded), findings, changes, late);
    }

    private static Instant max(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }
}
