package io.raftkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkit.spi.message.AppendRequest;
import io.raftkit.spi.message.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-follower flow control: probe and replicate states, the in-flight window, message size. */
class FlowControlTest {

    private static List<AppendRequest> appendsTo(List<Message> msgs, String to) {
        return msgs.stream().filter(m -> m instanceof AppendRequest a && a.to().equals(to))
                .map(m -> (AppendRequest) m).toList();
    }

    @Test
    void followerInProbeStateGetsOneAppendAtATime() {
        TestCluster c = TestCluster.of(3);
        c.isolate("n2"); // n2 never answers, so the new leader keeps probing it
        c.elect("n1");
        RaftNode n1 = c.node("n1");
        assertThat(n1.progress("n2").state()).isEqualTo(FollowerProgress.State.PROBE);
        int sentBefore = c.sent.size();
        for (int i = 0; i < 5; i++) {
            n1.propose(new byte[] {(byte) i});
            c.processReady();
        }
        assertThat(appendsTo(c.sent.subList(sentBefore, c.sent.size()), "n2")).isEmpty();
        assertThat(appendsTo(c.sent.subList(sentBefore, c.sent.size()), "n3")).isNotEmpty();
        // a heartbeat response shows n2 is alive: exactly one probe leaves
        c.heal();
        n1.step(new io.raftkit.spi.message.HeartbeatResponse("n2", "n1", n1.term(), 0));
        assertThat(appendsTo(c.takeInFlight(), "n2")).hasSize(1);
    }

    @Test
    void leaderStopsAtTheInflightWindowAndResumesOnAcknowledgement() {
        TestCluster c = new TestCluster(3, cfg -> cfg.withMaxSizePerMsg(1).withMaxInflight(3, 0));
        c.elect("n1");
        RaftNode n1 = c.node("n1");
        assertThat(n1.progress("n2").state()).isEqualTo(FollowerProgress.State.REPLICATE);
        for (int i = 0; i < 10; i++) {
            n1.propose(new byte[] {(byte) i});
        }
        List<Message> out = c.takeInFlight();
        List<AppendRequest> toN2 = appendsTo(out, "n2");
        assertThat(toN2).hasSize(3);
        assertThat(toN2).allSatisfy(a -> assertThat(a.entries()).hasSize(1));
        assertThat(n1.progress("n2").paused()).isTrue();
        // acknowledging the first frees one slot: exactly one more append leaves
        c.node("n2").step(toN2.get(0));
        c.processReady();
        List<Message> acks = c.takeInFlight();
        acks.stream().filter(m -> m.to().equals("n1")).forEach(n1::step);
        assertThat(appendsTo(c.takeInFlight(), "n2")).hasSize(1);
    }

    @Test
    void inflightWindowIsAlsoBoundedInBytes() {
        TestCluster c = new TestCluster(3, cfg -> cfg.withMaxSizePerMsg(1).withMaxInflight(100, 250));
        c.elect("n1");
        RaftNode n1 = c.node("n1");
        for (int i = 0; i < 10; i++) {
            n1.propose(new byte[100]);
        }
        List<AppendRequest> toN2 = appendsTo(c.takeInFlight(), "n2");
        // each entry is 124 bytes: the window closes once 250 bytes are in flight
        assertThat(toN2).hasSize(3);
    }

    @Test
    void appendMessagesRespectMaxSizePerMessage() {
        TestCluster c = new TestCluster(3, cfg -> cfg.withMaxSizePerMsg(1000));
        c.elect("n1");
        RaftNode n1 = c.node("n1");
        for (int i = 0; i < 20; i++) {
            n1.propose(new byte[200]);
        }
        List<AppendRequest> toN2 = appendsTo(c.takeInFlight(), "n2");
        assertThat(toN2).hasSizeGreaterThan(1);
        assertThat(toN2).allSatisfy(a -> assertThat(a.entries().stream().mapToLong(e -> e.sizeBytes()).sum())
                .isLessThanOrEqualTo(1000));
        assertThat(toN2.stream().mapToInt(a -> a.entries().size()).sum()).isEqualTo(20);
    }

    @Test
    void proposalsBetweenReadiesGoOutAsOneAppendPerFollower() {
        TestCluster c = TestCluster.of(3);
        c.elect("n1");
        RaftNode n1 = c.node("n1");
        for (int i = 0; i < 64; i++) {
            n1.propose(new byte[] {(byte) i});
        }
        List<AppendRequest> toN2 = appendsTo(c.takeInFlight(), "n2");
        assertThat(toN2).hasSize(1);
        assertThat(toN2.get(0).entries()).hasSize(64);
    }

    @Test
    void lostAppendIsResentAfterHeartbeat() {
        TestCluster c = TestCluster.of(3);
        c.elect("n1");
        RaftNode n1 = c.node("n1");
        long index = n1.propose(new byte[] {1});
        c.takeInFlight(); // every append lost
        c.tickAll(3);
        assertThat(c.node("n2").lastIndex()).isEqualTo(index);
        assertThat(c.node("n3").commitIndex()).isEqualTo(index);
    }
}
