package io.lunpool.core.recordio;

import java.util.function.Consumer;

/**
 * Splits a RecordIO byte stream ({@code <decimal length>\n<length bytes>}, repeated, nothing between records)
 * into records, whatever the boundaries of the reads that deliver it: a record may span reads and a read may
 * hold several records. It works on raw bytes, never on characters, so binary protobuf records pass intact.
 * A length that is empty, holds a non-digit or exceeds the maximum is a {@link RecordIoFormatException}.
 */
public final class RecordIoDecoder {
    private final long maxRecordBytes;
    private long length;
    private int digits;
    private byte[] record;
    private int filled;

    public RecordIoDecoder(long maxRecordBytes) {
        if (maxRecordBytes < 1 || maxRecordBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxRecordBytes must be between 1 and 2 GiB: " + maxRecordBytes);
        }
        this.maxRecordBytes = maxRecordBytes;
    }

    /** Feeds {@code len} bytes of {@code buf} from {@code off}; each record completed by them goes to {@code out}. */
    public void feed(byte[] buf, int off, int len, Consumer<byte[]> out) throws RecordIoFormatException {
        int i = off;
        int end = off + len;
        while (i < end) {
            if (record == null) {
                i = readLength(buf, i, end, out);
            } else {
                int n = Math.min(end - i, record.length - filled);
                System.arraycopy(buf, i, record, filled, n);
                filled += n;
                i += n;
                if (filled == record.length) {
                    emit(out);
                }
            }
        }
    }

    /** True when bytes of a record (or of its length) have arrived but the record is not complete. */
    public boolean midRecord() {
        return digits > 0 || record != null;
    }

    private int readLength(byte[] buf, int i, int end, Consumer<byte[]> out) throws RecordIoFormatException {
        while (i < end) {
            byte b = buf[i++];
            if (b == '\n') {
                if (digits == 0) {
                    throw new RecordIoFormatException("a record length is empty");
                }
                record = new byte[(int) length];
                filled = 0;
                if (length == 0) {
                    emit(out);
                }
                return i;
            }
            if (b < '0' || b > '9') {
                throw new RecordIoFormatException("a record length holds the byte 0x" + Integer.toHexString(b & 0xff)
                        + " after " + digits + " digits; only ASCII digits and a newline are allowed");
            }
            length = length * 10 + (b - '0');
            digits++;
            if (length > maxRecordBytes) {
                throw new RecordIoFormatException("a record is longer than " + maxRecordBytes + " bytes");
            }
        }
        return i;
    }

    private void emit(Consumer<byte[]> out) {
        byte[] done = record;
        record = null;
        length = 0;
        digits = 0;
        filled = 0;
        out.accept(done);
    }
}
