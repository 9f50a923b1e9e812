#!/usr/bin/env bash
# cluster.sh - a throw-away 3-node MariaDB Galera cluster on 127.0.0.1 (test fixture).
# From the team's tested recipe (shared/galera/cluster.sh, measured facts in its README and in
# docs/galera.md); Gatehouse's copy keeps its data under /tmp/gatehouse-galera by default.
#
# Runs three mariadbd processes that this script starts itself, next to any system
# MariaDB (it never touches /etc/mysql, /var/lib/mysql, systemd or port 3306).
#
#   cluster.sh start        create missing data dirs, start all 3 nodes, wait for size 3, print URLs
#   cluster.sh stop         graceful stop of the nodes this script started (pid files only)
#   cluster.sh kill N       kill -9 node N (by its recorded PID)
#   cluster.sh restart N    (graceful stop if running, then) start node N and wait until Synced
#   cluster.sh status       per-node pid / state / cluster size / RSS / URL (exit 1 unless 3x Synced)
#   cluster.sh sql N ['SQL'] run SQL on node N as root over TCP (no SQL: read stdin)
#   cluster.sh force-primary N   after quorum loss: SET GLOBAL wsrep_provider_options='pc.bootstrap=YES'
#   cluster.sh url N        print node N's URL
#   cluster.sh destroy      stop, then rm -rf the base dir
#
# Layout: $GALERA_BASE/nodeN/{my.cnf,data/,tmp/,error.log,mysqld.sock,mariadbd.pid}
# Ports (node N = 1..3): SQL 3310+N, gcomm 4567+10(N-1), IST gcomm+1, SST 4444+10(N-1).
#
# Environment knobs (all optional):
#   GALERA_BASE=/tmp/gatehouse-galera   GALERA_DB=test   GALERA_TIMEOUT=120 (seconds per wait)
#   GALERA_SQL_PORT_BASE=3310 GALERA_GCOMM_PORT_BASE=4567 GALERA_SST_PORT_BASE=4444
#   GALERA_USER=mysql         OS user the servers run as when this script runs as root
#   GALERA_SST=auto|rsync|mariabackup   (auto: rsync unless the servers would run as root)
#   GALERA_BUFFER_POOL=16M  GALERA_GCACHE=16M  GALERA_PROVIDER_EXTRA='evs.suspect_timeout=PT2S'
#   GALERA_SYNC_WAIT=0        wsrep_sync_wait for all sessions (1 = causal reads across nodes)
#   MARIADBD=/usr/sbin/mariadbd  GALERA_PROVIDER=/usr/lib/galera/libgalera_smm.so
set -euo pipefail

BASE=${GALERA_BASE:-/tmp/gatehouse-galera}
DB=${GALERA_DB:-test}
TIMEOUT=${GALERA_TIMEOUT:-120}
SQL_BASE=${GALERA_SQL_PORT_BASE:-3310}
GCOMM_BASE=${GALERA_GCOMM_PORT_BASE:-4567}
SST_BASE=${GALERA_SST_PORT_BASE:-4444}
BUFFER_POOL=${GALERA_BUFFER_POOL:-16M}
GCACHE=${GALERA_GCACHE:-16M}
PROVIDER_EXTRA=${GALERA_PROVIDER_EXTRA:-}
SYNC_WAIT=${GALERA_SYNC_WAIT:-0}
PROVIDER=${GALERA_PROVIDER:-/usr/lib/galera/libgalera_smm.so}
MARIADBD=${MARIADBD:-$(command -v mariadbd 2>/dev/null || echo /usr/sbin/mariadbd)}
CLIENT=$(command -v mariadb 2>/dev/null || command -v mysql 2>/dev/null || echo mariadb)
INSTALL_DB=$(command -v mariadb-install-db 2>/dev/null || command -v mysql_install_db 2>/dev/null || echo mariadb-install-db)
NODES=(1 2 3)

# ---------------------------------------------------------------- helpers
log()  { printf '[galera %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die()  { log "ERROR: $*"; exit 1; }
now()  { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }

sql_port()   { echo $((SQL_BASE + $1)); }
gcomm_port() { echo $((GCOMM_BASE + ($1 - 1) * 10)); }
ist_port()   { echo $(( $(gcomm_port "$1") + 1 )); }
sst_port()   { echo $((SST_BASE + ($1 - 1) * 10)); }
ndir()       { echo "$BASE/node$1"; }
cnf()        { echo "$BASE/node$1/my.cnf"; }
pidfile()    { echo "$BASE/node$1/mariadbd.pid"; }
url()        { echo "mysql://root@127.0.0.1:$(sql_port "$1")/$DB"; }

# The user the servers run as. root -> an unprivileged account (rsync SST breaks when
# mariadbd runs as root: rsync's daemon then switches to uid "nobody" and cannot write
# the joiner's datadir). Non-root -> just ourselves.
if [ "$(id -u)" = 0 ]; then
  RUN_USER=${GALERA_USER:-mysql}
  id "$RUN_USER" >/dev/null 2>&1 || RUN_USER=root
else
  RUN_USER=$(id -un)
fi
SST=${GALERA_SST:-auto}
if [ "$SST" = auto ]; then
  if [ "$RUN_USER" = root ]; then SST=mariabackup; else SST=rsync; fi
fi

check_node_arg() {
  case "${1:-}" in 1|2|3) ;; *) die "node number must be 1, 2 or 3 (got '${1:-}')";; esac
}

check_prereqs() {
  [ -x "$MARIADBD" ] || die "mariadbd not found (apt-get install mariadb-server)"
  [ -f "$PROVIDER" ] || die "$PROVIDER not found (apt-get install galera-4)"
  command -v "$CLIENT" >/dev/null || die "mariadb client not found (apt-get install mariadb-client)"
  command -v "$INSTALL_DB" >/dev/null || die "mariadb-install-db not found"
  case "$SST" in
    rsync) command -v rsync >/dev/null || die "rsync not found (apt-get install rsync)";;
    mariabackup)
      command -v mariadb-backup >/dev/null || command -v mariabackup >/dev/null \
        || die "mariadb-backup not found (apt-get install mariadb-backup)"
      command -v socat >/dev/null || die "socat not found (apt-get install socat)";;
    *) die "GALERA_SST must be auto, rsync or mariabackup";;
  esac
}

# SQL against node N as root over TCP, no option files (ignores /etc/mysql/my.cnf, ~/.my.cnf).
q() {  # q N 'SQL'  (no SQL: statements are read from stdin, streamed as they arrive)
  local n=$1; shift
  if [ $# -gt 0 ]; then
    "$CLIENT" --no-defaults --protocol=TCP -h127.0.0.1 -P"$(sql_port "$n")" -uroot \
      --connect-timeout=2 -N -B -e "$*"
  else
    "$CLIENT" --no-defaults --protocol=TCP -h127.0.0.1 -P"$(sql_port "$n")" -uroot \
      --connect-timeout=2 -N -B
  fi
}
wsrep_status() {  # wsrep_status N VAR -> value or empty
  q "$1" "SHOW GLOBAL STATUS LIKE '$2'" 2>/dev/null | awk '{print $2}' || true
}

# PID this script recorded for node N, only if that process is alive and really is our
# mariadbd for that node (guards against PID reuse). Empty otherwise.
node_pid() {
  local n=$1 f pid
  f=$(pidfile "$n")
  [ -f "$f" ] || return 0
  pid=$(cat "$f" 2>/dev/null || true)
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 0
  if tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "--defaults-file=$(cnf "$n")"; then
    echo "$pid"
  fi
}
running_nodes() { local n; for n in "${NODES[@]}"; do [ -n "$(node_pid "$n")" ] && echo "$n"; done; true; }

port_busy() { ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }

write_cnf() {
  local n=$1 d
  d=$(ndir "$n")
  mkdir -p "$d/data" "$d/tmp"
  cat > "$(cnf "$n")" <<EOF
# generated by cluster.sh - node $n
[mysqld]
user=$RUN_USER
basedir=/usr
datadir=$d/data
tmpdir=$d/tmp
socket=$d/mysqld.sock
pid-file=$d/mysqld.pid
log-error=$d/error.log
port=$(sql_port "$n")
bind-address=127.0.0.1
skip-name-resolve
character-set-server=utf8mb4
collation-server=utf8mb4_general_ci
# Galera requirements
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
# small footprint: three of these next to a system server
innodb_buffer_pool_size=$BUFFER_POOL
innodb_log_file_size=16M
innodb_log_buffer_size=2M
innodb_flush_log_at_trx_commit=2
performance_schema=OFF
key_buffer_size=1M
aria_pagecache_buffer_size=8M
query_cache_size=0
query_cache_type=0
max_connections=100
table_open_cache=400
open_files_limit=4096
# wsrep
wsrep_on=ON
wsrep_provider=$PROVIDER
wsrep_cluster_name=galera_test
wsrep_cluster_address=gcomm://127.0.0.1:$(gcomm_port 1),127.0.0.1:$(gcomm_port 2),127.0.0.1:$(gcomm_port 3)
wsrep_node_name=node$n
wsrep_node_address=127.0.0.1:$(gcomm_port "$n")
wsrep_node_incoming_address=127.0.0.1:$(sql_port "$n")
# 0 = Galera default: a read on node B right after a commit on node A may not see it yet
wsrep_sync_wait=$SYNC_WAIT
wsrep_sst_method=$SST
wsrep_sst_auth=root:
wsrep_sst_receive_address=127.0.0.1:$(sst_port "$n")
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:$(gcomm_port "$n");ist.recv_addr=127.0.0.1:$(ist_port "$n");gcache.size=$GCACHE;gcache.page_size=$GCACHE${PROVIDER_EXTRA:+;$PROVIDER_EXTRA}"

[sst]
# otherwise mariabackup SST archives its logs to /tmp/sst_log_archive
sst-log-archive=0
EOF
  if [ "$RUN_USER" != "$(id -un)" ]; then chown -R "$RUN_USER:" "$d"; fi
}

# seqno recorded in grastate.dat (-1 after a crash / while running), empty if none.
grastate_seqno() { awk '/^seqno:/{print $2}' "$(ndir "$1")/data/grastate.dat" 2>/dev/null || true; }

# After an unclean stop grastate.dat says seqno -1 and a plain start would do a full SST.
# Recover the real position from InnoDB (what galera_recovery does for systemd) -> uuid:seqno
recover_position() {
  local n=$1 d rlog pos
  d=$(ndir "$n"); rlog="$d/recover.log"
  rm -f "$rlog"
  "$MARIADBD" --defaults-file="$(cnf "$n")" --wsrep-recover --log-error="$rlog" >/dev/null 2>&1 || true
  pos=$(sed -n 's/.*WSREP: Recovered position: *\([0-9a-f-]*:-\{0,1\}[0-9]*\).*/\1/p' "$rlog" 2>/dev/null | tail -1)
  echo "$pos"
}

has_data() { [ -d "$(ndir "$1")/data/mysql" ]; }

# Position of node N without starting it: uuid:seqno or empty.
node_position() {
  local n=$1 seq uuid
  has_data "$n" || return 0
  seq=$(grastate_seqno "$n")
  uuid=$(awk '/^uuid:/{print $2}' "$(ndir "$n")/data/grastate.dat" 2>/dev/null || true)
  if [ -n "$seq" ] && [ "$seq" != -1 ] && [ -n "$uuid" ]; then echo "$uuid:$seq"; return 0; fi
  recover_position "$n"
}

launch() {  # launch N [extra mariadbd args...]: start in the background, record PID
  local n=$1; shift
  local d port
  d=$(ndir "$n")
  for port in "$(sql_port "$n")" "$(gcomm_port "$n")" "$(ist_port "$n")" "$(sst_port "$n")"; do
    port_busy "$port" && die "port $port (node $n) is already in use by another process"
  done
  rm -f "$d/mysqld.sock" "$d/mysqld.pid"
  # setsid: the node does not die with the caller's terminal / process group
  setsid "$MARIADBD" --defaults-file="$(cnf "$n")" "$@" </dev/null >>"$d/stdout.log" 2>&1 &
  echo $! > "$(pidfile "$n")"
  log "node$n: started mariadbd pid $! $*"
}

wait_node() {  # wait_node N: until node N answers SQL and is Synced
  local n=$1 t0 st pid
  t0=$(now)
  while :; do
    pid=$(node_pid "$n")
    [ -n "$pid" ] || die "node$n (mariadbd) exited during startup; see $(ndir "$n")/error.log"
    st=$(wsrep_status "$n" wsrep_local_state_comment)
    [ "$st" = Synced ] && [ "$(wsrep_status "$n" wsrep_ready)" = ON ] && break
    if awk -v a="$t0" -v b="$(now)" -v t="$TIMEOUT" 'BEGIN{exit !(b-a>t)}'; then
      die "node$n not Synced after ${TIMEOUT}s (state '${st:-no answer}'); see $(ndir "$n")/error.log"
    fi
    sleep 0.2
  done
}

wait_size() {  # wait_size SIZE: every running node reports that cluster size
  local want=$1 t0 n ok
  t0=$(now)
  while :; do
    ok=1
    for n in $(running_nodes); do
      [ "$(wsrep_status "$n" wsrep_cluster_size)" = "$want" ] || ok=0
    done
    [ $ok = 1 ] && return 0
    if awk -v a="$t0" -v b="$(now)" -v t="$TIMEOUT" 'BEGIN{exit !(b-a>t)}'; then
      die "cluster size did not reach $want within ${TIMEOUT}s"
    fi
    sleep 0.2
  done
}

# Start node N joining the running cluster (IST if it has data and the donor's gcache
# still covers the gap, otherwise SST).
join_node() {
  # A join that fails is tried once more: on a loaded machine a state transfer can fail for
  # reasons that do not come back (a donor too slow to answer in time), and the error log's
  # last lines are shown either way so the cause is not lost.
  local n=$1 attempt fresh=1
  has_data "$n" && fresh=0
  for attempt in 1 2; do
    if (join_node_once "$n"); then return 0; fi
    log "node$n: join attempt $attempt failed; the end of $(ndir "$n")/error.log:"
    tail -n 30 "$(ndir "$n")/error.log" >&2 2>/dev/null || true
    [ "$attempt" = 2 ] && break
    stop_node "$n"
    # A failed first SST leaves a partial data dir; start the transfer from nothing again.
    if [ $fresh = 1 ]; then rm -rf "$(ndir "$n")/data"; fi
    wait_size "$(running_nodes | wc -l)"
    log "node$n: trying the join once more"
  done
  die "node$n could not join the cluster (twice); see $(ndir "$n")/error.log"
}

join_node_once() {
  local n=$1 t0 pos=""
  t0=$(now)
  write_cnf "$n"
  if has_data "$n" && [ "$(grastate_seqno "$n")" = -1 ]; then
    pos=$(recover_position "$n")
    log "node$n: unclean shutdown detected, recovered position ${pos:-<none>}"
  fi
  if [ -n "$pos" ]; then launch "$n" --wsrep_start_position="$pos"; else launch "$n"; fi
  wait_node "$n"
  log "node$n: Synced in $(since "$t0")s ($(transfer_kind "$n"))"
}

transfer_kind() {  # what the latest start of node N did, from its error log
  awk '/\[Note\] Starting MariaDB/ {k=""; w=""}
       /WSREP_SST: \[INFO\] .* SST completed on joiner/ {k="SST"}
       /WSREP_SST: \[INFO\] .* IST completed on joiner/ {k="IST"}
       /WSREP: Receiving IST: [0-9]+ writesets/ {w=$0; sub(/.*Receiving IST: /,"",w); sub(/,.*/,"",w)}
       /state transfer needed: no/ {k="none"}
       END {
         if (k=="SST") printf "full SST via '"$SST"'%s\n", (w!="" ? " + IST of " w : "");
         else if (k=="IST") printf "IST of %s\n", (w!="" ? w : "0 writesets");
         else print "no state transfer" }' "$(ndir "$1")/error.log" 2>/dev/null || true
}

bootstrap() {
  local t0 n best="" bestseq=-2 bestpos="" pos seq d fresh=0
  # Pick the node with the most recent data (highest seqno); node1 if nothing exists yet.
  for n in "${NODES[@]}"; do
    has_data "$n" || continue
    write_cnf "$n"
    pos=$(node_position "$n"); seq=${pos##*:}
    case "$seq" in ''|*[!0-9-]*) seq=-1;; esac
    log "node$n: existing data, position ${pos:-unknown}"
    if [ "$seq" -gt "$bestseq" ]; then best=$n; bestseq=$seq; bestpos=$pos; fi
  done
  if [ -z "$best" ]; then
    best=1; fresh=1
    write_cnf 1
    t0=$(now)
    d=$(ndir 1)
    "$INSTALL_DB" --defaults-file="$(cnf 1)" --user="$RUN_USER" \
      --auth-root-authentication-method=normal --skip-test-db >"$d/install.log" 2>&1 \
      || { cat "$d/install.log" >&2; die "mariadb-install-db failed"; }
    log "node1: mariadb-install-db done in $(since "$t0")s"
  fi
  d=$(ndir "$best")
  # The bootstrap node must be marked safe_to_bootstrap (it is 0 after a crash, and on
  # every node but the last one stopped). This is a fixture: force it.
  if [ -f "$d/data/grastate.dat" ]; then
    sed -i 's/^safe_to_bootstrap: *0/safe_to_bootstrap: 1/' "$d/data/grastate.dat"
  fi
  t0=$(now)
  if [ "$(grastate_seqno "$best")" = -1 ] && [ "$bestseq" -ge 0 ]; then
    # crashed: start from the position recovered from InnoDB
    launch "$best" --wsrep-new-cluster --wsrep_start_position="$bestpos"
  else
    launch "$best" --wsrep-new-cluster
  fi
  wait_node "$best"
  log "node$best: bootstrapped (--wsrep-new-cluster) in $(since "$t0")s"
  if [ $fresh = 1 ]; then
    q "$best" "CREATE DATABASE IF NOT EXISTS \`$DB\`"
  fi
}

print_urls() {
  local n
  for n in "${NODES[@]}"; do echo "node$n $(url "$n")"; done
}

# ---------------------------------------------------------------- commands
cmd_start() {
  check_prereqs
  mkdir -p "$BASE"
  chmod 755 "$BASE"
  local t0 n running
  t0=$(now)
  running=$(running_nodes)
  if [ -z "$running" ]; then
    bootstrap
  else
    wait_size "$(echo "$running" | wc -l)"   # see cmd_restart
    # shellcheck disable=SC2086
    require_primary $running
  fi
  for n in "${NODES[@]}"; do
    [ -n "$(node_pid "$n")" ] && continue
    join_node "$n"
  done
  wait_size 3
  log "cluster up: size 3 on every node, total $(since "$t0")s (sst=$SST, servers run as $RUN_USER)"
  print_urls
}

stop_node() {  # graceful: SIGTERM, wait up to 60s, then SIGKILL. Only our recorded PID.
  local n=$1 pid
  pid=$(node_pid "$n")
  if [ -z "$pid" ]; then rm -f "$(pidfile "$n")"; return 0; fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    log "node$n: pid $pid ignored SIGTERM for 60s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$(pidfile "$n")"
  log "node$n: stopped (pid $pid)"
}

cmd_stop() {
  # Reverse order: node1 goes last, so it holds the newest state and safe_to_bootstrap=1.
  local n
  for n in 3 2 1; do stop_node "$n"; done
}

cmd_kill() {
  local n=$1 pid
  check_node_arg "$n"
  pid=$(node_pid "$n")
  [ -n "$pid" ] || die "node$n is not running (no live pid in $(pidfile "$n"))"
  kill -KILL "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  rm -f "$(pidfile "$n")"
  log "node$n: killed with SIGKILL (pid $pid)"
}

cmd_restart() {
  local n=$1 others="" m
  check_node_arg "$n"
  check_prereqs
  stop_node "$n"
  for m in $(running_nodes); do [ "$m" != "$n" ] && others="$others $m"; done
  [ -n "$others" ] || die "no other node is running: use '$0 start' to bootstrap the cluster"
  # After a kill -9 the survivors keep counting the dead node until evs.suspect_timeout
  # (5 s) evicts it. Starting the new incarnation before that makes the join take ~12 s
  # and briefly drops the survivors into a non-Primary view, so wait for the eviction.
  wait_size "$(running_nodes | wc -l)"
  # shellcheck disable=SC2086
  require_primary $others
  join_node "$n"
  wait_size $(( $(running_nodes | wc -l) ))
  log "cluster size now $(wsrep_status "$n" wsrep_cluster_size)"
}

# A joiner can only join a Primary component. After losing quorum (e.g. 2 of 3 nodes
# killed at once) the survivor is non-Primary and answers every query with
# ERROR 1047 (08S01) "WSREP has not yet prepared node for application use".
require_primary() {
  local m
  for m in "$@"; do
    [ "$(wsrep_status "$m" wsrep_cluster_status)" = Primary ] && return 0
  done
  die "no running node ($*) is in a Primary component (quorum lost); run '$0 force-primary N' on the most advanced node first"
}

cmd_force_primary() {  # pc.bootstrap=YES: make node N's component Primary again
  local n=$1
  check_node_arg "$n"
  [ -n "$(node_pid "$n")" ] || die "node$n is not running"
  q "$n" "SET GLOBAL wsrep_provider_options='pc.bootstrap=YES'"
  wait_node "$n"
  log "node$n: component is Primary again, size $(wsrep_status "$n" wsrep_cluster_size)"
}

cmd_status() {
  local n pid st size rss ok=0
  printf '%-6s %-8s %-10s %-5s %-8s %s\n' node pid state size rss_MB url
  for n in "${NODES[@]}"; do
    pid=$(node_pid "$n")
    if [ -n "$pid" ]; then
      st=$(wsrep_status "$n" wsrep_local_state_comment); size=$(wsrep_status "$n" wsrep_cluster_size)
      rss=$(awk '/^VmRSS:/{printf "%.0f", $2/1024}' "/proc/$pid/status" 2>/dev/null || echo '?')
      [ "$st" = Synced ] && [ "$size" = 3 ] && ok=$((ok + 1))
    else
      pid=-; st=down; size=-; rss=-
    fi
    printf '%-6s %-8s %-10s %-5s %-8s %s\n' "node$n" "$pid" "${st:-?}" "${size:-?}" "$rss" "$(url "$n")"
  done
  [ $ok = 3 ]
}

cmd_destroy() {
  cmd_stop
  case "$BASE" in /|"") die "refusing to remove '$BASE'";; esac
  rm -rf "$BASE"
  log "removed $BASE"
}

usage() { awk 'NR>1 && !/^#/{exit} NR>1{sub(/^# ?/,""); print}' "$0"; exit 2; }

case "${1:-}" in
  start)   cmd_start ;;
  stop)    cmd_stop ;;
  kill)    cmd_kill "${2:-}" ;;
  restart) cmd_restart "${2:-}" ;;
  status)  cmd_status ;;
  sql)     check_node_arg "${2:-}"; n=$2; shift 2; q "$n" "$@" ;;
  destroy) cmd_destroy ;;
  force-primary) cmd_force_primary "${2:-}" ;;
  url)     check_node_arg "${2:-}"; url "$2" ;;
  *)       usage ;;
esac
