# Sourced by ./cluster: the MariaDB/MySQL database the servers share, created by start and, for
# a throwaway cluster (a load-test script's), dropped by stop. Uses ./cluster's say and fail.

# Sets db_host, db_port and db_name from a jdbc:mysql:// or jdbc:mariadb:// URL; false for other
# URLs (cluster mode refuses the embedded H2 anyway).
parse_database_url() {
    local pattern='^jdbc:(mysql|mariadb)://([^:/?]+)(:([0-9]+))?/([A-Za-z0-9_]+)'
    [[ $1 =~ $pattern ]] || return 1
    db_host=${BASH_REMATCH[2]} db_port=${BASH_REMATCH[4]:-3306} db_name=${BASH_REMATCH[5]}
}

# Runs SQL statement $1 on db_host:db_port with the servers' user (LOOMCHAT_DB_USER, root by default).
run_sql() {
    command -v mariadb >/dev/null 2>&1 \
        || fail "the mariadb client is missing (apt-get install mariadb-client), needed for database $db_name"
    # MYSQL_PWD keeps the password off the command line (ps shows arguments to everyone).
    MYSQL_PWD=${LOOMCHAT_DB_PASSWORD:-} mariadb -h "$db_host" -P "$db_port" -u "${LOOMCHAT_DB_USER:-root}" -e "$1"
}

# Creates the database of URL $1 when it is missing; with $2 = fresh, drops it first, so that a
# measured run starts on empty tables. Other URLs are left alone: that database must exist.
create_database() {
    local url=$1 mode=${2:-keep}
    if ! parse_database_url "$url"; then
        say "not creating a database for $url (not jdbc:mysql://host[:port]/name); it must exist"
        return 0
    fi
    if [ "$mode" = fresh ]; then
        run_sql "DROP DATABASE IF EXISTS \`$db_name\`" \
            || fail "cannot drop database $db_name on $db_host:$db_port (is MariaDB running?)"
    fi
    run_sql "CREATE DATABASE IF NOT EXISTS \`$db_name\` CHARACTER SET utf8mb4" \
        || fail "cannot create database $db_name on $db_host:$db_port (is MariaDB running?)"
}

# Drops the database of URL $1 (stop --drop-data).
drop_database() {
    parse_database_url "$1" || { say "not dropping $1 (not jdbc:mysql://host[:port]/name)"; return 0; }
    run_sql "DROP DATABASE IF EXISTS \`$db_name\`" || fail "cannot drop database $db_name on $db_host:$db_port"
    say "dropped database $db_name"
}
