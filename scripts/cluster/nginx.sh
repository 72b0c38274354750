# Sourced by ./cluster: nginx in front of the servers (in the run directory), and the extra nginx
# of --extra-nginx (each in nginx-NAME/ there). Uses ./cluster's root, run_dir, servers, first,
# WEB_PORT_OFFSET, say, fail and accepts.

# Renders DIR/nginx.conf from nginx/loomchat.conf with render-conf options ${@:2}, its pid file
# and logs in DIR, and has nginx check it. Workers run as the starting user (nobody when root):
# no www-data needed for a local cluster.
render_nginx() {
    local dir=$1
    shift
    mkdir -p "$dir"
    "$root/nginx/render-conf" --run-dir "$dir" --no-user "$@" >"$dir/nginx.conf.new" || exit 1
    mv "$dir/nginx.conf.new" "$dir/nginx.conf"
    "$nginx_binary" -t -q -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" \
        || fail "nginx rejects $dir/nginx.conf"
}

# Starts the nginx rendered in DIR (it daemonizes; its pid in DIR/nginx.pid) and waits until it
# accepts on PORT.
start_nginx() {
    local dir=$1 port=$2
    "$nginx_binary" -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log"
    for _ in $(seq 1 100); do
        accepts "$port" && return 0
        sleep 0.1
    done
    fail "nginx does not accept on port $port; see $dir/logs/error.log"
}

# Sets upstream_options to render-conf's --upstream options for NODES of --extra-nginx: all, or
# node1..nodeN, each with an optional @WEIGHT, separated by commas.
set_upstream_options() {
    local list=$1 spec node specs=()
    upstream_options=()
    [ "$list" != all ] || list=$(seq -s, -f 'node%g' 1 "$servers")
    IFS=, read -r -a specs <<<"$list"
    for spec in "${specs[@]}"; do
        node=${spec%%@*}
        [[ $node =~ ^node([1-9][0-9]*)$ ]] && ((BASH_REMATCH[1] <= servers)) \
            || fail "--extra-nginx: $spec is not all or one of node1..node$servers, with an optional @WEIGHT"
        upstream_options+=(--upstream "127.0.0.1:$((first + BASH_REMATCH[1] - 1))${spec#"$node"}")
    done
}

# Renders the extra nginx of one --extra-nginx "NAME PORT NODES [OPTIONS]" in nginx-NAME/ and
# records its port there (for start and status). Nothing but what it is given: no TLS, no web side.
render_extra_nginx() {
    local words=() name port
    read -r -a words <<<"$1"
    name=${words[0]:-} port=${words[1]:-}
    [[ $name =~ ^[a-z0-9][a-z0-9-]*$ && $port =~ ^[0-9]+$ && ${#words[@]} -ge 3 ]] \
        || fail "--extra-nginx needs \"NAME PORT NODES [render-conf options]\", NAME in a-z, 0-9 and -, not \"$1\""
    ! accepts "$port" || fail "port $port (--extra-nginx $name) is in use"
    set_upstream_options "${words[2]}"
    render_nginx "$run_dir/nginx-$name" --listen "$port" "${upstream_options[@]}" "${words[@]:3}"
    echo "$port" >"$run_dir/nginx-$name/port"
}

# Starts every extra nginx rendered by render_extra_nginx.
start_extra_nginx() {
    local dir
    for dir in "$run_dir"/nginx-*/; do
        [ -f "$dir/port" ] || continue
        start_nginx "${dir%/}" "$(cat "$dir/port")"
    done
}

# Says where each extra nginx listens and which servers (with their weights) it balances.
report_extra_nginx() {
    local dir servers_weighed
    for dir in "$run_dir"/nginx-*/; do
        [ -f "$dir/port" ] || continue
        servers_weighed=$(sed -n 's/^ *server \(127[^ ;]*\)\( weight=[0-9]*\)\{0,1\}.*#@upstream$/\1\2/p' "$dir/nginx.conf" | paste -sd ',')
        say "         $(basename "$dir") on port $(cat "$dir/port") -> $servers_weighed"
    done
}
