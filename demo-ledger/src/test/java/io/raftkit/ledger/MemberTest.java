package io.raftkit.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MemberTest {

    @Test
    void parsesAList() {
        List<Member> ms = Member.parseList("n1=127.0.0.1:7001/127.0.0.1:8081, n2=localhost:7002/localhost:8082");
        assertThat(ms).hasSize(2);
        assertThat(ms.get(0).id()).isEqualTo("n1");
        assertThat(ms.get(0).raftAddress().getHostString()).isEqualTo("127.0.0.1");
        assertThat(ms.get(0).raftAddress().getPort()).isEqualTo(7001);
        assertThat(ms.get(1).httpAddress().getHostString()).isEqualTo("localhost");
        assertThat(ms.get(1).httpAddress().getPort()).isEqualTo(8082);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "n1", "n1=127.0.0.1:7001", "=127.0.0.1:7001/127.0.0.1:8081",
            "n1=127.0.0.1/127.0.0.1:8081", "n1=127.0.0.1:x/127.0.0.1:8081", "n1=127.0.0.1:0/127.0.0.1:8081",
            "n1=127.0.0.1:70000/127.0.0.1:8081", "n 1=127.0.0.1:7001/127.0.0.1:8081",
            "n1=127.0.0.1:7001/127.0.0.1:8081,n1=127.0.0.1:7002/127.0.0.1:8082",
            "n1=127.0.0.1:7001/127.0.0.1:8081,", "n1=a:1/b:2/c:3"})
    void rejectsBadInputWithAClearMessage(String text) {
        assertThatThrownBy(() -> Member.parseList(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageFindingMatch("member|empty|twice|address|port");
    }

    @Test
    void configRequiresThisNodeAmongTheMembers() {
        List<Member> ms = Member.parseList("n1=127.0.0.1:7001/127.0.0.1:8081");
        assertThatThrownBy(() -> LedgerNodeConfig.of("n2", Path.of("x"), ms))
                .hasMessageContaining("not one of the members");
        assertThat(LedgerNodeConfig.of("n1", Path.of("x"), ms).self().id()).isEqualTo("n1");
    }

    @Test
    void httpLimitsAreValidated() {
        assertThatThrownBy(() -> HttpLimits.defaults().withMaxConnections(0)).hasMessageContaining("maxConnections");
        assertThatThrownBy(() -> HttpLimits.defaults().withReadTimeout(java.time.Duration.ZERO))
                .hasMessageContaining("readTimeout");
        assertThat(HttpLimits.defaults().maxBodyBytes()).isEqualTo(64 * 1024);
    }
}
