package dev.authgate.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;

/**
 * The floor under {@link HmacBenchmark}: a bare, already keyed {@code javax.crypto.Mac} (HmacSHA256, the JDK
 * provider) over the same bytes, from a heap array and from a pooled direct buffer. The gap between this and
 * {@link HmacBenchmark} is what the gateway adds around the MAC (header parsing, re-keying, comparison).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MacBaselineBenchmark {

    @Param({"65536", "1048576"})
    public int size;

    /** {@code heap}: a byte[]; {@code direct}: the NIO view of one pooled direct buffer. */
    @Param({"heap", "direct"})
    public String input;

    private Mac mac;
    private byte[] heap;
    private ByteBuf direct;
    private ByteBuffer directView;

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("benchmark-webhook-secret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        heap = Bodies.random(size);
        direct = Bodies.buffer("direct", heap, PooledByteBufAllocator.DEFAULT);
        directView = direct.nioBuffer(direct.readerIndex(), direct.readableBytes());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        direct.release();
    }

    @Benchmark
    public byte[] mac() {
        if (input.equals("heap")) {
            mac.update(heap);
        } else {
            directView.rewind(); // back to the first byte: the same bytes every time
            mac.update(directView);
        }
        return mac.doFinal(); // doFinal also resets the MAC, keyed, for the next call
    }
}
