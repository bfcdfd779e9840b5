package io.raftkit.transport.netty;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.Entry;
import io.raftkit.spi.EntryType;
import io.raftkit.spi.SnapshotMeta;
import io.raftkit.spi.message.AppendRequest;
import io.raftkit.spi.message.AppendResponse;
import io.raftkit.spi.message.ForwardRequest;
import io.raftkit.spi.message.ForwardResponse;
import io.raftkit.spi.message.Heartbeat;
import io.raftkit.spi.message.HeartbeatResponse;
import io.raftkit.spi.message.Message;
import io.raftkit.spi.message.ReadIndexRequest;
import io.raftkit.spi.message.ReadIndexResponse;
import io.raftkit.spi.message.RouteStatus;
import io.raftkit.spi.message.SnapshotChunk;
import io.raftkit.spi.message.SnapshotResponse;
import io.raftkit.spi.message.TimeoutNow;
import io.raftkit.spi.message.VoteRequest;
import io.raftkit.spi.message.VoteResponse;
import io.raftkit.transport.netty.proto.Frame;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Maps the core's message records to protobuf {@link Frame}s and back.
 *
 * <p>Payloads are not copied on the way out: entry and snapshot bytes are wrapped with
 * {@link UnsafeByteOperations#unsafeWrap(byte[])}, which the SPI allows because payload arrays
 * are immutable once in a record. On the way in, {@link #decode} copies each payload exactly once
 * out of the (aliased) frame buffer into the array the record keeps.
 */
final class WireCodec {

    private WireCodec() {
    }

    static Frame encode(Message message) {
        Frame.Builder frame = Frame.newBuilder();
        switch (message.kind()) {
            case VOTE_REQUEST -> {
                VoteRequest m = (VoteRequest) message;
                frame.setVoteRequest(io.raftkit.transport.netty.proto.VoteRequest.newBuilder()
                        .setFrom(m.from()).setTo(m.to()).setTerm(m.term())
                        .setLastLogIndex(m.lastLogIndex()).setLastLogTerm(m.lastLogTerm())
                        .setPreVote(m.preVote()).setTransfer(m.transfer()));
            }
            case VOTE_RESPONSE -> {
                VoteResponse m = (VoteResponse) message;
                frame.setVoteResponse(io.raftkit.transport.netty.proto.VoteResponse.newBuilder()
                        .setFrom(m.from()).setTo(m.to()).setTerm(m.term())
                        .setPreVote(m.preVote()).setGranted(m.granted()));
            }
            case APPEND_REQUEST -> {
                AppendRequest m = (AppendRequest) message;
                io.raftkit.transport.netty.proto.AppendRequest.Builder b =
                        io.raftkit.transport.netty.proto.AppendRequest.newBuilder()
                                .setFrom(m.from()).setTo(m.to()).setTerm(m.term())
                                .setPrevLogIndex(m.prevLogIndex()).setPrevLogTerm(m.prevLogTerm())
                                .setLeaderCommit(m.leaderCommit());
                for (Entry e : m.entries()) {
                    b.addEntries(io.raftkit.transport.netty.proto.Entry.newBuilder()
                            .setIndex(e.index()).setTerm(e.term())
                            .setTypeValue(e.type().ordinal())
                            .setData(UnsafeByteOperations.unsafeWrap(e.data())));
                }
                frame.setAppendRequest(b);
            }
            case APPEND_RESPONSE -> {
                AppendResponse m = (AppendResponse) message;
                frame.setAppendResponse(io.raftkit.transport.netty.proto.AppendResponse.newBuilder()
                        .setFrom(m.from()).setTo(m.to()).setTerm(m.term())
                        .setSuccess(m.success()).setIndex(m.index())
                        .setHintIndex(m.hintIndex()).setHintTerm(m.hintTerm()));
            }
            case HEARTBEAT -> {
                Heartbeat m = (Heartbeat) message;
                frame.setHeartbeat(io.raftkit.transport.netty.proto.Heartbeat.newBuilder()
                        .setFrom(m.from()).setTo(m.to()).setTerm(m.term())
                        .setCommit(m.commit()).setReadContext(m.readContext()));
            }
            case HEARTBEAT_RESPONSE -> {
                HeartbeatResponse m = (HeartbeatResponse) message;
                frame.setHeartbeatResponse(io.raftkit.transport.netty.proto.HeartbeatResponse.newBuilder()
                        .setFrom(m.from()).setTo(m.to()).setTerm(m.term())
                        .setReadContext(m.readContext()));
            }
            case SNAPSHOT_CHUNK -> {
                SnapshotChunk m = (SnapshotChunk) message;
                frame.setSnapshotChunk(io.raftkit.transport.netty.proto.SnapshotChunk.newBuilder()
                        .setFrom(m.from()).setTo(m.to()).setTerm(m.term())
                        .setMeta(encodeMeta(m.meta())).setOffset(m.offset())
                        .setData(UnsafeByteOperations.unsafeWrap(m.data())).setLast(m.last())
                        .setChunkCrc32C(m.chunkCrc32c()).setSnapshotSize(m.snapshotSize())
                        .setSnapshotCrc32C(m.snapshotCrc32c()));
            }
            case SNAPSHOT_RESPONSE -> {
                SnapshotResponse m = (SnapshotResponse) message;
                frame.setSnapshotResponse(io.raftkit.transport.netty.proto.SnapshotResponse.newBuilder()
                        .setFrom(m.from()).setTo(m.to()).setTerm(m.term())
                        .setSnapshotIndex(m.snapshotIndex()).setNextOffset(m.nextOffset())
                        .setDone(m.done()).setRejected(m.rejected()));
            }
            case TIMEOUT_NOW -> {
                TimeoutNow m = (TimeoutNow) message;
                frame.setTimeoutNow(io.raftkit.transport.netty.proto.TimeoutNow.newBuilder()
                        .setFrom(m.from()).setTo(m.to()).setTerm(m.term()));
            }
            case FORWARD_REQUEST -> {
                ForwardRequest m = (ForwardRequest) message;
                var b = io.raftkit.transport.netty.proto.ForwardRequest.newBuilder()
                        .setFrom(m.from()).setTo(m.to()).setTerm(m.term());
                for (ForwardRequest.Command c : m.commands()) {
                    b.addCommands(io.raftkit.transport.netty.proto.ForwardedCommand.newBuilder()
                            .setRequestId(c.requestId()).setCommand(UnsafeByteOperations.unsafeWrap(c.command())));
                }
                frame.setForwardRequest(b);
            }
            case FORWARD_RESPONSE -> {
                ForwardResponse m = (ForwardResponse) message;
                var b = io.raftkit.transport.netty.proto.ForwardResponse.newBuilder()
                        .setFrom(m.from()).setTo(m.to()).setTerm(m.term());
                for (ForwardResponse.Answer a : m.answers()) {
                    b.addAnswers(io.raftkit.transport.netty.proto.ForwardAnswer.newBuilder()
                            .setRequestId(a.requestId()).setStatusValue(a.status().ordinal())
                            .setResult(UnsafeByteOperations.unsafeWrap(a.result()))
                            .setLeaderHint(a.leaderHint() == null ? "" : a.leaderHint()));
                }
                frame.setForwardResponse(b);
            }
            case READ_INDEX_REQUEST -> {
                ReadIndexRequest m = (ReadIndexRequest) message;
                var b = io.raftkit.transport.netty.proto.ReadIndexRequest.newBuilder()
                        .setFrom(m.from()).setTo(m.to()).setTerm(m.term());
                for (ReadIndexRequest.Read r : m.reads()) {
                    b.addReads(io.raftkit.transport.netty.proto.ReadIndexRead.newBuilder()
                            .setRequestId(r.requestId()).setLease(r.lease()));
                }
                frame.setReadIndexRequest(b);
            }
            case READ_INDEX_RESPONSE -> {
                ReadIndexResponse m = (ReadIndexResponse) message;
                var b = io.raftkit.transport.netty.proto.ReadIndexResponse.newBuilder()
                        .setFrom(m.from()).setTo(m.to()).setTerm(m.term());
                for (ReadIndexResponse.Answer a : m.answers()) {
                    b.addAnswers(io.raftkit.transport.netty.proto.ReadIndexAnswer.newBuilder()
                            .setRequestId(a.requestId()).setStatusValue(a.status().ordinal()).setIndex(a.index())
                            .setLeaderHint(a.leaderHint() == null ? "" : a.leaderHint()));
                }
                frame.setReadIndexResponse(b);
            }
        }
        return frame.build();
    }

    /**
     * The message a frame carries.
     *
     * @throws ProtocolException if the frame holds no Raft message or values a record refuses
     */
    static Message decode(Frame frame) {
        try {
            return switch (frame.getBodyCase()) {
                case VOTE_REQUEST -> {
                    var m = frame.getVoteRequest();
                    yield new VoteRequest(m.getFrom(), m.getTo(), m.getTerm(), m.getLastLogIndex(),
                            m.getLastLogTerm(), m.getPreVote(), m.getTransfer());
                }
                case VOTE_RESPONSE -> {
                    var m = frame.getVoteResponse();
                    yield new VoteResponse(m.getFrom(), m.getTo(), m.getTerm(), m.getPreVote(), m.getGranted());
                }
                case APPEND_REQUEST -> {
                    var m = frame.getAppendRequest();
                    List<Entry> entries = new ArrayList<>(m.getEntriesCount());
                    for (var e : m.getEntriesList()) {
                        entries.add(new Entry(e.getIndex(), e.getTerm(), entryType(e.getTypeValue()),
                                copy(e.getData())));
                    }
                    yield new AppendRequest(m.getFrom(), m.getTo(), m.getTerm(), m.getPrevLogIndex(),
                            m.getPrevLogTerm(), entries, m.getLeaderCommit());
                }
                case APPEND_RESPONSE -> {
                    var m = frame.getAppendResponse();
                    yield new AppendResponse(m.getFrom(), m.getTo(), m.getTerm(), m.getSuccess(),
                            m.getIndex(), m.getHintIndex(), m.getHintTerm());
                }
                case HEARTBEAT -> {
                    var m = frame.getHeartbeat();
                    yield new Heartbeat(m.getFrom(), m.getTo(), m.getTerm(), m.getCommit(), m.getReadContext());
                }
                case HEARTBEAT_RESPONSE -> {
                    var m = frame.getHeartbeatResponse();
                    yield new HeartbeatResponse(m.getFrom(), m.getTo(), m.getTerm(), m.getReadContext());
                }
                case SNAPSHOT_CHUNK -> {
                    var m = frame.getSnapshotChunk();
                    if (!m.hasMeta()) {
                        throw new ProtocolException(RejectReason.MALFORMED_FRAME, "snapshot chunk without meta");
                    }
                    yield new SnapshotChunk(m.getFrom(), m.getTo(), m.getTerm(), decodeMeta(m.getMeta()),
                            m.getOffset(), copy(m.getData()), m.getLast(), m.getChunkCrc32C(), m.getSnapshotSize(),
                            m.getSnapshotCrc32C());
                }
                case SNAPSHOT_RESPONSE -> {
                    var m = frame.getSnapshotResponse();
                    yield new SnapshotResponse(m.getFrom(), m.getTo(), m.getTerm(), m.getSnapshotIndex(),
                            m.getNextOffset(), m.getDone(), m.getRejected());
                }
                case TIMEOUT_NOW -> {
                    var m = frame.getTimeoutNow();
                    yield new TimeoutNow(m.getFrom(), m.getTo(), m.getTerm());
                }
                case FORWARD_REQUEST -> {
                    var m = frame.getForwardRequest();
                    List<ForwardRequest.Command> commands = new ArrayList<>(m.getCommandsCount());
                    for (var c : m.getCommandsList()) {
                        commands.add(new ForwardRequest.Command(c.getRequestId(), copy(c.getCommand())));
                    }
                    yield new ForwardRequest(m.getFrom(), m.getTo(), m.getTerm(), commands);
                }
                case FORWARD_RESPONSE -> {
                    var m = frame.getForwardResponse();
                    List<ForwardResponse.Answer> answers = new ArrayList<>(m.getAnswersCount());
                    for (var a : m.getAnswersList()) {
                        answers.add(new ForwardResponse.Answer(a.getRequestId(), routeStatus(a.getStatusValue()),
                                copy(a.getResult()), a.getLeaderHint()));
                    }
                    yield new ForwardResponse(m.getFrom(), m.getTo(), m.getTerm(), answers);
                }
                case READ_INDEX_REQUEST -> {
                    var m = frame.getReadIndexRequest();
                    List<ReadIndexRequest.Read> reads = new ArrayList<>(m.getReadsCount());
                    for (var r : m.getReadsList()) {
                        reads.add(new ReadIndexRequest.Read(r.getRequestId(), r.getLease()));
                    }
                    yield new ReadIndexRequest(m.getFrom(), m.getTo(), m.getTerm(), reads);
                }
                case READ_INDEX_RESPONSE -> {
                    var m = frame.getReadIndexResponse();
                    List<ReadIndexResponse.Answer> answers = new ArrayList<>(m.getAnswersCount());
                    for (var a : m.getAnswersList()) {
                        answers.add(new ReadIndexResponse.Answer(a.getRequestId(), routeStatus(a.getStatusValue()),
                                a.getIndex(), a.getLeaderHint()));
                    }
                    yield new ReadIndexResponse(m.getFrom(), m.getTo(), m.getTerm(), answers);
                }
                case HELLO, HELLO_REJECT -> throw new ProtocolException(RejectReason.UNEXPECTED_FRAME,
                        "handshake frame where a Raft message was expected");
                case BODY_NOT_SET -> throw new ProtocolException(RejectReason.UNKNOWN_MESSAGE_TYPE,
                        "frame carries no known message type");
            };
        } catch (IllegalArgumentException | NullPointerException e) {
            // A record's constructor refused a value (e.g. entry index 0): the peer is broken.
            throw new ProtocolException(RejectReason.MALFORMED_FRAME, "invalid message: " + e.getMessage(), e);
        }
    }

    private static RouteStatus routeStatus(int wireValue) {
        RouteStatus[] values = RouteStatus.values();
        if (wireValue < 0 || wireValue >= values.length) {
            throw new ProtocolException(RejectReason.MALFORMED_FRAME, "unknown route status " + wireValue);
        }
        return values[wireValue];
    }

    private static EntryType entryType(int wireValue) {
        EntryType[] types = EntryType.values();
        if (wireValue < 0 || wireValue >= types.length) {
            throw new ProtocolException(RejectReason.MALFORMED_FRAME, "unknown entry type " + wireValue);
        }
        return types[wireValue];
    }

    private static io.raftkit.transport.netty.proto.SnapshotMeta encodeMeta(SnapshotMeta meta) {
        return io.raftkit.transport.netty.proto.SnapshotMeta.newBuilder()
                .setIndex(meta.index()).setTerm(meta.term())
                .setConfig(io.raftkit.transport.netty.proto.ClusterConfig.newBuilder()
                        .addAllVoters(meta.config().voters())
                        .addAllOutgoingVoters(meta.config().outgoingVoters())
                        .addAllLearners(meta.config().learners())
                        .putAllAddresses(meta.config().addresses())
                        .setClusterId(meta.config().clusterId()))
                .build();
    }

    private static SnapshotMeta decodeMeta(io.raftkit.transport.netty.proto.SnapshotMeta meta) {
        var config = meta.getConfig();
        try {
            return new SnapshotMeta(meta.getIndex(), meta.getTerm(), new ClusterConfig(
                    new HashSet<>(config.getVotersList()), new HashSet<>(config.getOutgoingVotersList()),
                    new HashSet<>(config.getLearnersList()), config.getAddressesMap(), config.getClusterId()));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(RejectReason.MALFORMED_FRAME, "invalid snapshot configuration: "
                    + e.getMessage());
        }
    }

    /** The one copy of a payload out of the frame (the ByteString aliases the frame buffer). */
    private static byte[] copy(ByteString bytes) {
        return bytes.isEmpty() ? new byte[0] : bytes.toByteArray();
    }
}
