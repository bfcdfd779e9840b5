package io.raftkit.transport.netty;

import io.raftkit.spi.TransportContractTest;
import io.raftkit.spi.message.Message;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Generates what a stranger or a broken peer might send to a node ("n1" of {@link TestNodes#CLUSTER},
 * whose members include "n2" and "n3"): random bytes, and valid handshakes and messages mutated
 * by bit flips, truncation, insertion and length changes. Some kinds must always make the node
 * close the connection; the rest may or may not parse.
 */
final class FuzzCases {

    /** One case: the bytes to send, and whether the node must close the connection on its own. */
    record Case(String kind, byte[] bytes, boolean mustClose) {
    }

    private static final List<Message> VALID = TransportContractTest.sampleMessages("n3", "n1");

    private final Random random;
    private final int maxFrameBytes;

    FuzzCases(long seed, int maxFrameBytes) {
        this.random = new Random(seed);
        this.maxFrameBytes = maxFrameBytes;
    }

    Case next() {
        return switch (random.nextInt(9)) {
            case 0 -> new Case("random bytes", randomBytes(random.nextInt(64)), false);
            case 1 -> new Case("hello + random bytes", concat(Frames.hello("n3"), randomBytes(1 + random.nextInt(64))), false);
            case 2 -> new Case("hello + mutated message", concat(Frames.hello("n3"), mutate(validMessage())), false);
            case 3 -> new Case("mutated hello", mutate(Frames.hello("n3")), false);
            case 4 -> new Case("oversized length", concat(random.nextBoolean() ? Frames.hello("n3") : new byte[0],
                    lengthPrefix(oversizedLength()), randomBytes(random.nextInt(16))), true);
            case 5 -> new Case("unknown message type", concat(Frames.hello("n3"), Frames.raw(unknownField())), true);
            case 6 -> new Case("foreign cluster", Frames.hello(Handshake.PROTOCOL_VERSION, "c" + random.nextInt(1000), "n3"), true);
            case 7 -> new Case("message before hello", validMessage(), true);
            default -> new Case("valid hello + messages", concat(Frames.hello("n3"), validMessage(), validMessage()), false);
        };
    }

    private byte[] validMessage() {
        return Frames.of(VALID.get(random.nextInt(VALID.size())));
    }

    private byte[] mutate(byte[] original) {
        byte[] bytes = original.clone();
        int mutations = 1 + random.nextInt(4);
        for (int i = 0; i < mutations && bytes.length > 0; i++) {
            switch (random.nextInt(4)) {
                case 0 -> bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                case 1 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
                case 2 -> {
                    int at = random.nextInt(bytes.length + 1);
                    byte[] inserted = randomBytes(1 + random.nextInt(8));
                    bytes = concat(Arrays.copyOf(bytes, at), inserted, Arrays.copyOfRange(bytes, at, bytes.length));
                }
                default -> bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
        }
        return bytes;
    }

    private int oversizedLength() {
        return random.nextBoolean() ? maxFrameBytes + 1 + random.nextInt(Integer.MAX_VALUE - maxFrameBytes)
                : Integer.MIN_VALUE + random.nextInt(Integer.MAX_VALUE);
    }

    /** A field number Frame does not know (12..2000), with a varint value. */
    private byte[] unknownField() {
        int field = 12 + random.nextInt(1989);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeVarint(out, field << 3);
        writeVarint(out, random.nextInt(1 << 20));
        return out.toByteArray();
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    static byte[] lengthPrefix(int length) {
        return new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static void writeVarint(ByteArrayOutputStream out, int value) {
        while ((value & ~0x7f) != 0) {
            out.write((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }
}
