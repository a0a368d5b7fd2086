// 400 MiB of off-heap buffers (ByteBuffer.allocateDirect), every page touched, against a 256 MiB limit.
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

public class Main {
    public static void main(String[] args) {
        List<ByteBuffer> kept = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
            for (int k = 0; k < (1 << 20); k += 4096) b.put(k, (byte) 1);
            kept.add(b);
        }
        System.out.println(0);
    }
}
