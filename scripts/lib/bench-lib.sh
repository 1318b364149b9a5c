# Shared by scripts/bench and scripts/bench-clients (sourced, not run): tools, a private work dir, processes started
# in their own process groups and only those stopped, loopback ports, config templates.
#
# The sourcing script sets BENCH_NAME (for messages) and PIN (1: servers on CPU 1) before calling anything here.

HOST=127.0.0.1
D="$ROOT/scripts/bench.d"
die() { echo "$BENCH_NAME: $*" >&2; exit 2; }
say() { echo "$BENCH_NAME: $*" >&2; }

# ensure_tools TOOL...: installs what is missing with apt-get (root only): nginx, haproxy, wrk, htpasswd
# (apache2-utils), ss (iproute2), unzip
ensure_tools() {
  # nginx and haproxy live in /usr/sbin, which a non-root PATH may lack.
  export PATH="$PATH:/usr/sbin:/sbin"
  local missing=() pkgs=() t
  for t in "$@"; do command -v "$t" >/dev/null || missing+=("$t"); done
  if ((${#missing[@]})); then
    for t in "${missing[@]}"; do
      case "$t" in htpasswd) pkgs+=(apache2-utils) ;; redis-cli) pkgs+=(redis-tools) ;; ss) pkgs+=(iproute2) ;; jcmd) die "missing jcmd (a full JDK)" ;; *) pkgs+=("$t") ;; esac
    done
    [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null \
      || die "missing ${missing[*]}: install ${pkgs[*]} (apt-get install -y ${pkgs[*]})"
    say "installing ${pkgs[*]} (apt-get install -y)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${pkgs[@]}" >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${pkgs[@]}" >/dev/null; } \
      || die "apt-get could not install ${pkgs[*]}"
  fi
  for t in "$@" openssl curl java setsid timeout taskset; do command -v "$t" >/dev/null || die "missing $t"; done
}

# ensure_jar JAR: builds gateway/target/authgate.jar when it is missing or older than a source
ensure_jar() {
  local jar="$1"
  if [[ ! -f $jar ]] || { [[ $jar == "$ROOT/gateway/target/authgate.jar" ]] \
       && [[ -n "$(find "$ROOT/pom.xml" "$ROOT/gateway/pom.xml" "$ROOT/gateway/src/main" -newer "$jar" -print -quit)" ]]; }; then
    say "building $jar (./mvnw -B -q -ntp -DskipTests package -pl gateway -am)"
    (cd "$ROOT" && ./mvnw -B -q -ntp ${MVN_ARGS:-} -DskipTests package -pl gateway -am) || die "build failed"
  fi
  [[ -f $jar ]] || die "no $jar"
}

# make_work: a fresh temp dir WORK with conf, logs, run, tmp, certs; removed on exit with every process we started
make_work() {
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/authgate-bench.XXXXXX")
  mkdir -p "$WORK"/{conf,logs,run,tmp,certs}
  chmod 755 "$WORK" "$WORK"/{conf,logs,run,tmp}   # nginx workers run as nobody when started by root
  trap cleanup EXIT
  trap 'exit 130' INT TERM
}

# launch NAME CMD...: CMD in its own session (PID = process group id), output to WORK/logs/NAME.out
launch() {
  local name="$1"; shift
  if [[ ${PIN:-0} == 1 ]]; then
    setsid taskset -c 1 "$@" </dev/null >>"$WORK/logs/$name.out" 2>&1 &
  else
    setsid "$@" </dev/null >>"$WORK/logs/$name.out" 2>&1 &
  fi
  echo $! > "$WORK/run/$name.pid"
}
# stop NAME: TERM the process group we started, KILL after 10 s
stop() {
  local f="$WORK/run/$1.pid" pid i
  [[ -f $f ]] || return 0
  pid=$(cat "$f"); rm -f "$f"
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  kill -TERM -- "-$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do kill -0 -- "-$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
}
cleanup() {
  local f
  for f in "$WORK"/run/*.pid; do [[ -e $f ]] && stop "$(basename "$f" .pid)"; done
  if [[ ${KEEP_WORK:-0} == 1 ]]; then say "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}

port_free() { ! (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }
wait_port() { # wait_port PORT SECONDS NAME
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null && return 0
    [[ -f $WORK/run/$3.pid ]] && ! kill -0 "$(cat "$WORK/run/$3.pid")" 2>/dev/null && break
    sleep 0.1
  done
  say "$3 is not listening on $HOST:$1; its output:"; tail -20 "$WORK/logs/$3.out" >&2 || true
  return 1
}

# render TEMPLATE OUT KEY=VALUE...: replace @@KEY@@ placeholders
render() {
  local tmpl="$1" out="$2"; shift 2
  local args=() kv v
  for kv in "$@"; do
    v=${kv#*=}; v=${v//\\/\\\\}; v=${v//&/\\&}; v=${v//|/\\|}
    args+=(-e "s|@@${kv%%=*}@@|$v|g")
  done
  sed "${args[@]}" "$tmpl" > "$out"
  ! grep -q '@@[A-Z_]*@@' "$out" || { say "unrendered placeholder in $out"; return 1; }
}

# start_upstream PORT: nginx, one worker, 200 "upstream ok" to anything
start_upstream() {
  render "$D/nginx-upstream.conf" "$WORK/conf/upstream.conf" WORK="$WORK" WORKERS=1 PORT="$1"
  launch upstream nginx -p "$WORK" -c "$WORK/conf/upstream.conf" -e "$WORK/logs/upstream-error.log" -g 'daemon off;'
  wait_port "$1" 10 upstream
}

# start_authgate NAME PORT JAR JAVA_OPTS [EXTRA_YAML [SED_EXPR]]: config/bench.yaml as it is (other port: a copy with
# the ports replaced; EXTRA_YAML, e.g. a state: block or more routes, appended; SED_EXPR, e.g. a key inserted into a
# block, applied)
start_authgate() {
  local name="$1" port="$2" jar="$3" opts="$4" extra="${5:-}" cfg="$WORK/$1.yaml"
  sed -e "s/127\.0\.0\.1:18445/127.0.0.1:$port/" -e "s/127\.0\.0\.1:18446/127.0.0.1:$((port + 1))/" \
    ${6:+-e "$6"} "$ROOT/config/bench.yaml" > "$cfg"
  [[ -z $extra ]] || printf '%s\n' "$extra" >> "$cfg"
  # shellcheck disable=SC2086  # JAVA_OPTS is a list of words
  launch "$name" "${AUTHGATE_JAVA:-java}" -Dio.netty.eventLoopThreads="$WORKERS" $opts -jar "$jar" run --config "$cfg"
  wait_port "$port" 90 "$name"
}

# machine_line: one line naming the machine, for the report
machine_line() {
  echo "$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
}

# mint_jwt KEY: an ES256 access token for config/bench.yaml's jwt route, signed here with openssl (not by the code under test), valid for 6 hours
# (no kid: a static key is known by its RFC 7638 thumbprint, and a token without kid is tried against the keys):
# JOSE's ECDSA signature is r || s (32 bytes each), openssl's is DER, so the two integers are taken out of it.
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
mint_jwt() { # mint_jwt KEY_PEM
  local now h c hex
  now=$(date +%s)
  h=$(printf '{"alg":"ES256","typ":"JWT"}' | b64url)
  c=$(printf '{"iss":"https://bench.authgate.dev/","aud":"bench-api","sub":"bench","scope":"bench:read","iat":%d,"exp":%d}' \
    "$now" $((now + 21600)) | b64url)
  hex=$(printf '%s.%s' "$h" "$c" | openssl dgst -sha256 -sign "$1" \
    | openssl asn1parse -inform DER | awk -F: '/INTEGER/ { v = $NF; while (length(v) < 64) v = "0" v; printf "%s", v }')
  [[ ${#hex} == 128 ]] || die "could not mint the bench JWT"
  printf '%s.%s.%s' "$h" "$c" "$(perl -e 'print pack("H*", $ARGV[0])' "$hex" | b64url)"
}
