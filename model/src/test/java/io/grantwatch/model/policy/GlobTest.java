package io.grantwatch.model.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GlobTest {
    @Test
    void shouldMatchStarAcrossColonsAndSlashesWhenPatternHasStar() {
        assertThat(Glob.matches("acs:oss:*:*:bucket/*", "acs:oss:*:123:bucket/a/b")).isTrue();
        assertThat(Glob.matches("acs:oss:*", "acs:oss:cn-hangzhou:123:bucket/a")).isTrue();
        assertThat(Glob.matches("*", "")).isTrue();
        assertThat(Glob.matches("a*b*c", "aXXbYYbc")).isTrue();
    }

    @Test
    void shouldMatchExactlyOneCharacterWhenPatternHasQuestionMark() {
        assertThat(Glob.matches("oss:Get?bject", "oss:GetObject")).isTrue();
        assertThat(Glob.matches("oss:Get?bject", "oss:Getbject")).isFalse();
        assertThat(Glob.matches("a?", "a")).isFalse();
    }

    @Test
    void shouldCompareWholeStringWhenNoWildcard() {
        assertThat(Glob.matches("acs:oss:*:*:bucket", "acs:oss:*:*:bucket/a")).isFalse();
        assertThat(Glob.matches("abc", "ab")).isFalse();
        assertThat(Glob.matches("", "")).isTrue();
        assertThat(Glob.matches("", "a")).isFalse();
    }

    @Test
    void shouldTreatStarInTextAsLiteralWhenPatternHasConcreteSegment() {
        assertThat(Glob.matches("acs:oss:*:123:bucket/*", "acs:oss:*:*:bucket/a")).isFalse();
        assertThat(Glob.matches("acs:oss:*:*:bucket/*", "acs:oss:*:*:bucket/a")).isTrue();
    }

    @Test
    void shouldBeCaseSensitiveWhenComparingLiterals() {
        assertThat(Glob.matches("acs:oss:*:*:Bucket/*", "acs:oss:*:*:bucket/a")).isFalse();
    }
}
