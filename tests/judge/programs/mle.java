public class Main {
    public static void main(String[] args) {
        int[][] blocks = new int[64][];
        for (int i = 0; i < blocks.length; i++) blocks[i] = new int[2 << 20];
        System.out.println(blocks.length);
    }
}
