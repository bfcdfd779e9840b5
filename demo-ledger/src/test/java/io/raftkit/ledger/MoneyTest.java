package io.raftkit.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MoneyTest {

    @Test
    void parsesEveryEdgeExactly() {
        assertThat(Money.parseCents("0.01")).isEqualTo(1);
        assertThat(Money.parseCents("0")).isZero();
        assertThat(Money.parseCents("0.00")).isZero();
        assertThat(Money.parseCents("12.5")).isEqualTo(1250);
        assertThat(Money.parseCents("12.50")).isEqualTo(1250);
        assertThat(Money.parseCents("100")).isEqualTo(10_000);
        assertThat(Money.parseCents("92233720368547758.07")).isEqualTo(Long.MAX_VALUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"92233720368547758.08", "92233720368547759", "99999999999999999999",
            "1.001", "0.000", "-1", "-0.01", "+1", "abc", "1e3", "1.", ".5", " 1", "1 ", "01", "0x10", "1,00",
            "NaN", "Infinity", "", "１"})
    void rejectsWhatIsNotExactCents(String text) {
        assertThatThrownBy(() -> Money.parseCents(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsAbsurdlyLongInputWithoutParsingIt() {
        assertThatThrownBy(() -> Money.parseCents("1".repeat(100_000))).hasMessageContaining("range");
    }

    @Test
    void formatsWithTwoFractionDigits() {
        assertThat(Money.format(1)).isEqualTo("0.01");
        assertThat(Money.format(0)).isEqualTo("0.00");
        assertThat(Money.format(1250)).isEqualTo("12.50");
        assertThat(Money.format(Long.MAX_VALUE)).isEqualTo("92233720368547758.07");
        assertThat(Money.format(-5)).isEqualTo("-0.05");
        assertThat(Money.format(Long.MIN_VALUE)).isEqualTo("-92233720368547758.08");
    }
}
