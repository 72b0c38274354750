# Sourced by ./cluster: the chat servers. Uses ./cluster's root, run_dir, db_url, redis, jar,
# server_options, node_java_opts, metrics_first, with_nginx, with_web, WEB_PORT_OFFSET,
# START_TIMEOUT_SECONDS, say, fail, alive and process_word.

# Writes $run_dir/NODE.launch: how server NODE on PORT is started, as two bash arrays (declare
# -p), so that restart starts it again exactly as start did, whatever the environment of the
# shell that restarts it (a fault command of loadtest chaos has the load tool's). launch_env holds
# every LOOMCHAT_* variable of the starting shell (LOOMCHAT_DB_PASSWORD too: the file is its
# owner's alone), launch_command the command line.
write_server_launch() {
    local node=$1 port=$2 name launch_env=() launch_command=() java_flags=()
    local java_opts=${LOOMCHAT_JAVA_OPTS:-}
    [ -z "${node_java_opts[$node]:-}" ] || java_opts="${java_opts:+$java_opts }${node_java_opts[$node]}"
    while read -r name; do
        [[ $name == LOOMCHAT_* && $name != LOOMCHAT_JAVA_OPTS ]] && launch_env+=("$name=${!name}")
    done < <(compgen -e)
    if [ -n "$jar" ]; then
        # Plain java: the JDK's defaults, not the launcher's (what a script measuring
        # `java -jar` ran). read splits the flags into words without expanding -Xlog:gc* as a pattern.
        read -r -a java_flags <<<"$java_opts"
        launch_command=("$JAVA_HOME/bin/java" "${java_flags[@]}" -jar "$jar" server)
    else
        [ -z "$java_opts" ] || launch_env+=("LOOMCHAT_JAVA_OPTS=$java_opts")
        launch_command=("$root/loomchat" server)
    fi
    launch_command+=(--host 127.0.0.1 --port "$port" --db-url "$db_url" --redis "$redis" --node-id "$node")
    # Behind nginx a server takes the client's address from nginx's PROXY header and refuses
    # connections without one; without nginx the clients connect to it themselves.
    [ "$with_nginx" = no ] || launch_command+=(--proxy-protocol)
    if [ "$with_web" = yes ]; then
        launch_command+=(--web-port $((port + WEB_PORT_OFFSET)))
        [ "$with_nginx" = no ] || launch_command+=(--web-trusted-proxies 127.0.0.1)
    fi
    [ -z "$metrics_first" ] || launch_command+=(--metrics-port $((metrics_first + ${node#node} - 1)))
    launch_command+=("${server_options[@]}")
    (umask 077 && declare -p launch_env launch_command >"$run_dir/$node.launch")
}

# Starts server $1 as its launch file says, in the background, in a session of its own so that
# a Ctrl-C or hang-up in this terminal does not reach it later.
start_server() {
    local node=$1 name launch_env launch_command unset=()
    . "$run_dir/$node.launch"
    # The server gets the recorded LOOMCHAT_* variables, not those of the shell running this.
    while read -r name; do
        [[ $name == LOOMCHAT_* ]] && unset+=(-u "$name")
    done < <(compgen -e)
    # setsid execs env, env execs the launcher, which execs java (this background job is not a
    # process group leader), so $! is the server's own pid.
    setsid env "${unset[@]}" "${launch_env[@]}" "${launch_command[@]}" </dev/null >"$run_dir/$node.log" 2>&1 &
    echo $! >"$run_dir/$node.pid"
}

# Waits until server $1 printed "loomchat server listening on" (every port up); fails with the end of its log if it exits first.
await_server() {
    local node=$1
    for _ in $(seq 1 $((START_TIMEOUT_SECONDS * 10))); do
        grep -qs "loomchat server listening on" "$run_dir/$node.log" && return 0
        if ! alive "$run_dir/$node.pid" "$(process_word "$run_dir/$node.pid")"; then
            tail -n 20 "$run_dir/$node.log" >&2
            fail "$node exited before listening; its log is $run_dir/$node.log"
        fi
        sleep 0.1
    done
    fail "$node did not listen within ${START_TIMEOUT_SECONDS} s; its log is $run_dir/$node.log"
}
