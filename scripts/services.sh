#!/usr/bin/env bash
# Private PostgreSQL and Redis for tests, on free loopback ports, in a throwaway folder.
# Source it, then: start_test_services; ...; stop_test_services
# Exports ZAPLIFY_TEST_PG_URL and ZAPLIFY_TEST_REDIS_URL.

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then echo "$port"; return; fi
  done
}

as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_test_services() {
  SERVICES_DIR=$(mktemp -d /tmp/zaplify-services.XXXXXX)
  chmod 755 "$SERVICES_DIR"
  local pgbin=/usr/lib/postgresql/15/bin
  PG_PORT=$(free_port)
  PG_DATA="$SERVICES_DIR/pg"
  mkdir -p "$PG_DATA"
  if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$PG_DATA" "$SERVICES_DIR"; fi
  as_postgres "$pgbin/initdb" -D "$PG_DATA" -A trust -U postgres >"$SERVICES_DIR/initdb.log" 2>&1
  as_postgres "$pgbin/pg_ctl" -D "$PG_DATA" -l "$SERVICES_DIR/pg.log" -w \
    -o "-p $PG_PORT -k $SERVICES_DIR -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=on" start >/dev/null
  export ZAPLIFY_TEST_PG_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"

  REDIS_PORT=$(free_port)
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "$SERVICES_DIR/redis.pid" --logfile "$SERVICES_DIR/redis.log"
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  export ZAPLIFY_TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
  echo "services: PostgreSQL on $PG_PORT, Redis on $REDIS_PORT ($SERVICES_DIR)"
}

stop_test_services() {
  [[ -n "${SERVICES_DIR:-}" ]] || return 0
  as_postgres /usr/lib/postgresql/15/bin/pg_ctl -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
  if [[ -f "$SERVICES_DIR/redis.pid" ]]; then kill "$(cat "$SERVICES_DIR/redis.pid")" 2>/dev/null || true; fi
  rm -rf "$SERVICES_DIR"
}
