# Stand-in for nginx:1.27: Debian's nginx with its stream module, as a dynamic module (so a
# configuration for it loads the module; nginx/render-conf --stream-module auto finds it).
FROM loomchat-standin/debian:trixie
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends nginx libnginx-mod-stream >/dev/null \
    && rm -rf /var/lib/apt/lists/* && useradd --system --no-create-home nginx
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
