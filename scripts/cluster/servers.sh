# Sourced by ./cluster: the database and the chat servers.
# Uses ./cluster's root, run_dir, db_url, redis, with_nginx, with_web, WEB_PORT_OFFSET,
# START_TIMEOUT_SECONDS, say, fail, alive and process_word.

# Creates the database of a jdbc:mysql:// or jdbc:mariadb:// URL when it is missing. Other URLs
# are left alone (cluster mode refuses the embedded H2 anyway).
create_database() {
    local url=$1
    local pattern='^jdbc:(mysql|mariadb)://([^:/?]+)(:([0-9]+))?/([A-Za-z0-9_]+)'
    if [[ ! $url =~ $pattern ]]; then
        say "not creating a database for $url (not jdbc:mysql://host[:port]/name); it must exist"
        return 0
    fi
    local host=${BASH_REMATCH[2]} port=${BASH_REMATCH[4]:-3306} name=${BASH_REMATCH[5]}
    command -v mariadb >/dev/null 2>&1 || fail "the mariadb client is missing (apt-get install mariadb-client), needed to create database $name"
    # MYSQL_PWD keeps the password off the command line (ps shows arguments to everyone).
    MYSQL_PWD=${LOOMCHAT_DB_PASSWORD:-} mariadb -h "$host" -P "$port" -u "${LOOMCHAT_DB_USER:-root}" \
        -e "CREATE DATABASE IF NOT EXISTS \`$name\` CHARACTER SET utf8mb4" \
        || fail "cannot create database $name on $host:$port (is MariaDB running?)"
}

# Writes $run_dir/NODE.launch: how server NODE on PORT is started, as two bash arrays (declare
# -p), so that restart starts it again exactly as start did, whatever the environment of the
# shell that restarts it (a fault command of loadtest chaos has the load tool's). launch_env holds
# every LOOMCHAT_* variable of the starting shell (LOOMCHAT_DB_PASSWORD too: the file is its
# owner's alone), launch_command the command line.
write_server_launch() {
    local node=$1 port=$2 name launch_env=() launch_command=()
    while read -r name; do
        [[ $name == LOOMCHAT_* ]] && launch_env+=("$name=${!name}")
    done < <(compgen -e)
    launch_command=("$root/loomchat" server --host 127.0.0.1 --port "$port" --db-url "$db_url" --redis "$redis"
        --node-id "$node")
    # Behind nginx a server takes the client's address from nginx's PROXY header and refuses
    # connections without one; without nginx the clients connect to it themselves.
    [ "$with_nginx" = no ] || launch_command+=(--proxy-protocol)
    if [ "$with_web" = yes ]; then
        launch_command+=(--web-port $((port + WEB_PORT_OFFSET)))
        [ "$with_nginx" = no ] || launch_command+=(--web-trusted-proxies 127.0.0.1)
    fi
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
        grep -q "loomchat server listening on" "$run_dir/$node.log" && return 0
        if ! alive "$run_dir/$node.pid" "$(process_word "$run_dir/$node.pid")"; then
            tail -n 20 "$run_dir/$node.log" >&2
            fail "$node exited before listening; its log is $run_dir/$node.log"
        fi
        sleep 0.1
    done
    fail "$node did not listen within ${START_TIMEOUT_SECONDS} s; its log is $run_dir/$node.log"
}
