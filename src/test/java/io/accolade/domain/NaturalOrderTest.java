package io.accolade.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order of Mobage's sortBy=userId and sortBy=achievementId. */
class NaturalOrderTest {

    private static List<String> sorted(String... ids) {
        List<String> out = new ArrayList<>(List.of(ids));
        out.sort(NaturalOrder.INSTANCE);
        return out;
    }

    @Test
    void numbersCompareAsNumbers() {
        // The seed's friends sample, sorted descending by userId.
        assertThat(sorted("sp.mbga.jp:9987", "sp.mbga.jp:10234", "sp.mbga.jp:7009", "sp.mbga.jp:10108")
                .reversed()).containsExactly("sp.mbga.jp:10234", "sp.mbga.jp:10108", "sp.mbga.jp:9987",
                "sp.mbga.jp:7009");
        assertThat(sorted("10", "9", "100", "1")).containsExactly("1", "9", "10", "100");
        assertThat(sorted("a10b", "a9c", "a9b")).containsExactly("a9b", "a9c", "a10b");
        assertThat(sorted("99999999999999999999999", "100000000000000000000000")).containsExactly(
                "99999999999999999999999", "100000000000000000000000");
    }

    @Test
    void textAndTiesKeepATotalOrder() {
        assertThat(sorted("blood_reign", "animal_hunter", "berserk")).containsExactly("animal_hunter", "berserk",
                "blood_reign");
        assertThat(sorted("a", "ab", "a1")).containsExactly("a", "a1", "ab");
        assertThat(sorted("7", "007", "07")).containsExactly("007", "07", "7");
        assertThat(NaturalOrder.INSTANCE.compare("x", "x")).isZero();
        assertThat(Integer.signum(NaturalOrder.INSTANCE.compare("007", "7")))
                .isEqualTo(-Integer.signum(NaturalOrder.INSTANCE.compare("7", "007")));
    }
}
