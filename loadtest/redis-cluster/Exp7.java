import java.nio.charset.StandardCharsets;
import java.util.Set;
import redis.clients.jedis.BinaryJedisShardedPubSub;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

/**
 * What Jedis 8.0.2's JedisCluster.ssubscribe does when the channel's slot moves to another master:
 * does the subscription follow, end, or hang? Slot 2966 (lc:to:n1) is moved from 7401 to 7402 by
 * CLUSTER SETSLOT, as in exp2, with a JedisCluster subscriber on it; then published to again.
 */
public class Exp7 {
    static final String CHANNEL = "lc:to:n1";
    static final int SLOT = 2966;
    static final long START = System.currentTimeMillis();

    static void say(String what) {
        System.out.printf("%6.3f s  %s%n", (System.currentTimeMillis() - START) / 1000.0, what);
    }

    static String id(int port) {
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            return j.clusterMyId();
        }
    }

    static void moveSlot(int from, int to) {
        String src = id(from), dst = id(to);
        try (Jedis f = new Jedis("127.0.0.1", from); Jedis t = new Jedis("127.0.0.1", to)) {
            t.clusterSetSlotImporting(SLOT, src);
            f.clusterSetSlotMigrating(SLOT, dst);
        }
        for (int port : new int[] {7401, 7402, 7403}) {
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                j.clusterSetSlotNode(SLOT, dst);
            }
        }
        say("slot " + SLOT + " moved from " + from + " to " + to);
    }

    public static void main(String[] args) throws Exception {
        try (JedisCluster cluster = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", 7401)))) {
            BinaryJedisShardedPubSub listener = new BinaryJedisShardedPubSub() {
                @Override
                public void onSMessage(byte[] channel, byte[] message) {
                    say("subscriber got: " + new String(message, StandardCharsets.UTF_8));
                }

                @Override
                public void onSSubscribe(byte[] channel, int count) {
                    say("subscriber: ssubscribe " + new String(channel, StandardCharsets.UTF_8) + " " + count);
                }

                @Override
                public void onSUnsubscribe(byte[] channel, int count) {
                    say("subscriber: sunsubscribe " + new String(channel, StandardCharsets.UTF_8) + " " + count);
                }
            };
            Thread subscriber = Thread.ofPlatform().start(() -> {
                try {
                    cluster.ssubscribe(listener, CHANNEL.getBytes(StandardCharsets.UTF_8));
                    say("JedisCluster.ssubscribe returned");
                } catch (RuntimeException e) {
                    say("JedisCluster.ssubscribe threw " + e);
                }
            });
            Thread.sleep(1000);
            say("spublish before the move -> " + cluster.spublish(CHANNEL, "before the move"));
            moveSlot(7401, 7402);
            Thread.sleep(1000);
            say("subscriber thread alive: " + subscriber.isAlive() + ", isSubscribed: " + listener.isSubscribed());
            say("spublish after the move (JedisCluster follows MOVED) -> " + cluster.spublish(CHANNEL, "after the move"));
            Thread.sleep(1000);
            moveSlot(7402, 7401);
            Thread.sleep(500);
            if (listener.isSubscribed()) {
                listener.sunsubscribe();
            }
            subscriber.join(3000);
            say("done; subscriber thread alive: " + subscriber.isAlive());
        }
    }
}
