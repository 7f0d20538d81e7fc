#!/bin/sh
# Restart the web instances one at a time without losing a request: for each instance, take it out of nginx's
# upstream (`down`), reload nginx, restart the instance, wait until /readyz answers, put it back, reload nginx.
# (Restarting an instance that nginx still uses loses a POST now and then: a connection nginx opened just before
# the instance closed its socket is reset, and nginx does not resend a POST.)
#
#   deploy/rolling-restart.sh              # every 127.0.0.1:PORT of the nginx site's upstream, in order
#   deploy/rolling-restart.sh 8001         # one instance
#
# Settings (environment): ZILU_NGINX_SITE (default /etc/nginx/sites-available/zilu.conf), ZILU_SITE_HOST (the
# Host header for /readyz; default: the site's first server_name), ZILU_RESTART (default
# "systemctl restart zilu-web@%s"; %s is the port), ZILU_NGINX_RELOAD (default "systemctl reload nginx"),
# ZILU_READY_TIMEOUT (seconds, default 180), ZILU_NGINX_SETTLE (seconds after a reload, default 2).
set -eu
SITE=${ZILU_NGINX_SITE:-/etc/nginx/sites-available/zilu.conf}
HOST=${ZILU_SITE_HOST:-$(awk '$1 == "server_name" { sub(";", "", $2); print $2; exit }' "$SITE")}
RESTART=${ZILU_RESTART:-systemctl restart zilu-web@%s}
RELOAD=${ZILU_NGINX_RELOAD:-systemctl reload nginx}
TIMEOUT=${ZILU_READY_TIMEOUT:-180}
SETTLE=${ZILU_NGINX_SETTLE:-2}

ports=${*:-$(sed -n 's/^[[:space:]]*server 127\.0\.0\.1:\([0-9][0-9]*\)[ ;].*/\1/p' "$SITE")}
if [ "$(sed -n 's/^[[:space:]]*server 127\.0\.0\.1:[0-9]*[ ;].*/x/p' "$SITE" | wc -l)" -lt 2 ]; then
    echo "rolling-restart: $SITE lists fewer than two instances; a restart would interrupt the site" >&2
    exit 1
fi

for port in $ports; do
    echo "instance $port: out of nginx"
    sed -i -e "s/^\([[:space:]]*server 127\.0\.0\.1:$port\)\( [^;]*\)\{0,1\};/\1\2 down;/" -e "s/ down down;/ down;/" "$SITE"
    sh -c "$RELOAD"
    sleep "$SETTLE"  # nginx's previous workers finish their requests; the new ones no longer use this instance
    echo "instance $port: restarting"
    # shellcheck disable=SC2059
    sh -c "$(printf "$RESTART" "$port")"
    waited=0
    until curl -sf -o /dev/null -H "Host: $HOST" "http://127.0.0.1:$port/readyz"; do
        waited=$((waited + 1))
        if [ "$waited" -ge "$TIMEOUT" ]; then
            echo "rolling-restart: 127.0.0.1:$port is not ready after $TIMEOUT s; it stays out of nginx ($SITE)" >&2
            exit 1
        fi
        sleep 1
    done
    sed -i "s/^\([[:space:]]*server 127\.0\.0\.1:$port\( [^;]*\)\{0,1\}\) down;/\1;/" "$SITE"
    sh -c "$RELOAD"
    echo "instance $port: ready and back in nginx"
done
