package io.lunpool.core.recordio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecordIoDecoderTest {
    private static final List<byte[]> RECORDS = List.of(
            "{\"type\":\"SUBSCRIBED\",\"subscribed\":{\"framework_id\":{\"value\":\"f-0000\"}}}".getBytes(StandardCharsets.UTF_8),
            "{\"type\":\"HEARTBEAT\"}".getBytes(StandardCharsets.UTF_8),
            new byte[] {0, '\n', (byte) 0xff, 10, 13, '5'},
            new byte[0],
            "x".repeat(1234).getBytes(StandardCharsets.UTF_8));

    @Test
    void sc04_decodesRecordsSplitAtEveryByteOffset() throws Exception {
        byte[] stream = encode(RECORDS);
        for (int split = 0; split <= stream.length; split++) {
            RecordIoDecoder decoder = new RecordIoDecoder(1 << 20);
            List<byte[]> out = new ArrayList<>();
            decoder.feed(stream, 0, split, out::add);
            decoder.feed(stream, split, stream.length - split, out::add);
            assertSame(out, RECORDS);
            assertThat(decoder.midRecord()).isFalse();
        }
        for (int second = 1; second < stream.length; second += 7) {
            for (int first = 0; first < second; first += 5) {
                RecordIoDecoder decoder = new RecordIoDecoder(1 << 20);
                List<byte[]> out = new ArrayList<>();
                decoder.feed(stream, 0, first, out::add);
                decoder.feed(stream, first, second - first, out::add);
                decoder.feed(stream, second, stream.length - second, out::add);
                assertSame(out, RECORDS);
            }
        }
    }

    @Test
    void sc04_decodesByteByByteAndSeveralRecordsInOneRead() throws Exception {
        byte[] stream = encode(RECORDS);
        RecordIoDecoder oneByOne = new RecordIoDecoder(1 << 20);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < stream.length; i++) {
            oneByOne.feed(stream, i, 1, out::add);
            assertThat(oneByOne.midRecord()).isEqualTo(i < stream.length - 1 && !boundary(stream, i + 1));
        }
        assertSame(out, RECORDS);
        List<byte[]> all = new ArrayList<>();
        new RecordIoDecoder(1 << 20).feed(stream, 0, stream.length, all::add);
        assertSame(all, RECORDS);
    }

    @Test
    void sc04_decodesMultiMegabyteRecordsInSmallReads() throws Exception {
        byte[] big = new byte[5 * 1024 * 1024 + 3];
        new Random(7).nextBytes(big);
        List<byte[]> records = List.of(big, "after".getBytes(StandardCharsets.UTF_8), big);
        byte[] stream = encode(records);
        RecordIoDecoder decoder = new RecordIoDecoder(64L << 20);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < stream.length; i += 8191) {
            decoder.feed(stream, i, Math.min(8191, stream.length - i), out::add);
        }
        assertSame(out, records);
    }

    @Test
    void sc04_rejectsANonNumericEmptyOrOversizedLength() {
        assertThatThrownBy(() -> new RecordIoDecoder(100).feed(bytes("1x\nab"), 0, 5, r -> { }))
                .isInstanceOf(RecordIoFormatException.class).hasMessageContaining("0x78");
        assertThatThrownBy(() -> new RecordIoDecoder(100).feed(bytes("\nab"), 0, 3, r -> { }))
                .isInstanceOf(RecordIoFormatException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> new RecordIoDecoder(100).feed(bytes("101\n"), 0, 4, r -> { }))
                .isInstanceOf(RecordIoFormatException.class).hasMessageContaining("longer than 100");
        assertThatThrownBy(() -> new RecordIoDecoder(100).feed(bytes("-1\n"), 0, 3, r -> { }))
                .isInstanceOf(RecordIoFormatException.class);
        assertThatThrownBy(() -> new RecordIoDecoder(100).feed(bytes("1\r\nab"), 0, 5, r -> { }))
                .isInstanceOf(RecordIoFormatException.class).hasMessageContaining("0xd");
    }

    private static boolean boundary(byte[] stream, int offset) {
        int i = 0;
        for (byte[] r : RECORDS) {
            i += String.valueOf(r.length).length() + 1 + r.length;
            if (i == offset) {
                return true;
            }
        }
        return false;
    }

    private static void assertSame(List<byte[]> actual, List<byte[]> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(Arrays.equals(actual.get(i), expected.get(i))).as("record " + i).isTrue();
        }
    }

    private static byte[] encode(List<byte[]> records) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] r : records) {
            out.write((r.length + "\n").getBytes(StandardCharsets.US_ASCII));
            out.write(r);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
