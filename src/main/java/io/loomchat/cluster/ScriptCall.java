package io.loomchat.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One EVALSHA of a {@link ScriptPipeline}'s batch: one job, or a run of consecutive jobs of one
 * {@linkplain RedisScripts.Script#sectioned sectioned} script folded into one call, each job a
 * section of it. Only consecutive jobs are folded, so the scripts of a batch still run in the
 * order they were queued. A call that fails fails every job in it: a forward's caller then
 * stores its message offline, as for any forward not known to be delivered (a section that ran
 * before the failure may so arrive twice, as a script that failed halfway always could).
 */
final class ScriptCall {

    /**
     * KEYS and ARGV in one folded call at most. A script holds Redis while it runs; past this, a
     * run of jobs goes as several calls (a forward to a group of a thousand is a call of its own).
     */
    static final int MAX_FOLDED_VALUES = 4_096;

    /** One script run asked for, and the caller waiting for its reply. */
    record Job(RedisScripts.Script script, List<byte[]> keys, List<byte[]> args, CompletableFuture<Object> reply) {

        private int values() {
            return keys.size() + args.size();
        }
    }

    private final RedisScripts.Script script;
    private final List<Job> jobs = new ArrayList<>(1);
    /** The first job's own lists until a second job is folded in. */
    private List<byte[]> keys;
    private List<byte[]> args;

    private ScriptCall(Job first) {
        this.script = first.script();
        this.jobs.add(first);
        this.keys = first.keys();
        this.args = first.args();
    }

    /** The batch's jobs as calls, in order. */
    static List<ScriptCall> fold(List<Job> batch) {
        List<ScriptCall> calls = new ArrayList<>(batch.size());
        ScriptCall last = null;
        for (Job job : batch) {
            if (last != null && last.takes(job)) {
                last.add(job);
            } else {
                last = new ScriptCall(job);
                calls.add(last);
            }
        }
        return calls;
    }

    RedisScripts.Script script() {
        return script;
    }

    List<byte[]> keys() {
        return keys;
    }

    List<byte[]> args() {
        return args;
    }

    List<Job> jobs() {
        return jobs;
    }

    /** Hands each job its reply: a sectioned script's reply holds one per section. */
    void complete(Object reply) {
        if (!script.isSectioned()) {
            jobs.get(0).reply().complete(reply);
            return;
        }
        List<?> sections = (List<?>) reply;
        if (sections.size() != jobs.size()) {
            fail(new JedisException("the script answered " + sections.size() + " sections for " + jobs.size()));
            return;
        }
        for (int i = 0; i < jobs.size(); i++) {
            jobs.get(i).reply().complete(sections.get(i));
        }
    }

    void fail(JedisException cause) {
        jobs.forEach(job -> job.reply().completeExceptionally(cause));
    }

    private boolean takes(Job job) {
        if (job.script() != script || !script.isSectioned()
                || keys.size() + args.size() + job.values() - script.sharedArgs() > MAX_FOLDED_VALUES) {
            return false;
        }
        for (int i = 0; i < script.sharedArgs(); i++) {
            if (!Arrays.equals(args.get(i), job.args().get(i))) {
                return false;
            }
        }
        return true;
    }

    private void add(Job job) {
        if (jobs.size() == 1) {
            keys = new ArrayList<>(keys);
            args = new ArrayList<>(args);
        }
        jobs.add(job);
        keys.addAll(job.keys());
        args.addAll(job.args().subList(script.sharedArgs(), job.args().size()));
    }
}
