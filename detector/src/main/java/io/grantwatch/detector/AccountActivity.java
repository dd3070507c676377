package io.grantwatch.detector;

import java.util.List;

/** The recent scenario signals of one account, as stored and as carried in a record header. */
public record AccountActivity(List<ContextSignal> signals) {
    public AccountActivity {
        signals = signals == null ? List.of() : List.copyOf(signals);
    }
}
