# Sourced by ./cluster: the processes it starts are known by pid files, never by name, so that
# it touches nothing of anyone else's (other clusters, other people's Redis and nginx).
# Uses ./cluster's say and STOP_TIMEOUT_SECONDS.

# True when the pid in file $1 is a live process whose command line contains $2 (a recycled pid
# belonging to something else must never be signalled).
alive() {
    local pid command
    [ -f "$1" ] || return 1
    pid=$(cat "$1")
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    command=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
    [[ $command == *"$2"* ]]
}

# What the command line of the process behind pid file $1 must contain. A server's is its node
# id, followed by the space that ends every argument in alive's view (node1 is not node10): the
# launcher and the jar may be named anything (--jar).
process_word() {
    case $(basename "$1") in
        nginx.pid) echo nginx ;;
        node*.pid) echo "--node-id $(basename "$1" .pid) " ;;
        *) echo redis-server ;;
    esac
}

# Sends SIGTERM to the process in pid file $1 if it is alive and matches $2, and prints its pid;
# a stale pid file is removed. True when a signal was sent.
signal_term() {
    local pid
    if alive "$1" "$2"; then
        pid=$(cat "$1")
        kill -TERM "$pid"
        echo "$pid"
    else
        rm -f "$1"
        return 1
    fi
}

# Waits for process $1, signalled through pid file $3, to exit (SIGKILL after the timeout),
# reporting as $2. By pid, not by file: nginx deletes its pid file as it exits.
await_exit() {
    local pid=$1 name=$2 file=$3
    for _ in $(seq 1 $((STOP_TIMEOUT_SECONDS * 10))); do
        kill -0 "$pid" 2>/dev/null || { rm -f "$file"; say "stopped $name (pid $pid)"; return 0; }
        sleep 0.1
    done
    say "$name (pid $pid) did not stop within ${STOP_TIMEOUT_SECONDS} s of SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$file"
    return 1
}

# True when something accepts TCP connections on 127.0.0.1:$1.
accepts() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
