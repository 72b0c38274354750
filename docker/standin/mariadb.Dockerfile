# Stand-in for mariadb:11.4: Debian's MariaDB, with a small entry point that honours the
# variables the tests and compose.yaml give the official image (mariadb-entrypoint).
FROM loomchat-standin/debian:trixie
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends mariadb-server >/dev/null \
    && rm -rf /var/lib/apt/lists/* /var/lib/mysql/* && mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld /var/lib/mysql
COPY mariadb-entrypoint /usr/local/bin/docker-entrypoint.sh
COPY mariadb-healthcheck /usr/local/bin/healthcheck.sh
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["mariadbd"]
