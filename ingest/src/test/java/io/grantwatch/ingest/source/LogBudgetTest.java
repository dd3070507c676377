package io.grantwatch.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogBudgetTest {
    @Test
    void shouldAdmitTheFirstNOfAMinuteThenCountTheRestAndReportTheCountWhenTheMinuteIsOver() {
        AtomicLong now = new AtomicLong(1_000_000);
        List<Long> reported = new ArrayList<>();
        LogBudget budget = new LogBudget(3, reported::add, now::get);
        List<LogBudget.Admission> seen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            seen.add(budget.admit());
        }
        assertThat(seen).containsExactly(LogBudget.Admission.LOG, LogBudget.Admission.LOG, LogBudget.Admission.LOG,
                LogBudget.Admission.FIRST_COUNTED, LogBudget.Admission.COUNTED, LogBudget.Admission.COUNTED);
        budget.tick();
        assertThat(reported).isEmpty(); // the minute is not over
        now.addAndGet(60_000);
        budget.tick();
        assertThat(reported).containsExactly(3L);
        assertThat(budget.admit()).isEqualTo(LogBudget.Admission.LOG); // a new minute
        budget.flush();
        assertThat(reported).containsExactly(3L); // nothing counted in it
    }
}
