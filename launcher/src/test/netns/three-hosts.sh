#!/usr/bin/env bash
# Three hosts on one machine: network namespaces joined by veth pairs to a bridge on a private
# test subnet, a Tandem node in each (workers on two of them). Submits work on the host without
# workers, shows it ran on the others' workers, kills one host outright mid-map and shows the
# rest carry on. Contacts only addresses of the namespaces it made; removes them when it ends.
#
#   launcher/src/test/netns/three-hosts.sh launcher/target/tandem    (as root; mvn verify -Pnetns)
set -euo pipefail

dist=$(cd "${1:?usage: three-hosts.sh DIST (the built distribution, launcher/target/tandem)}" && pwd)
bin="$dist/bin/tandem"
if [ "$(id -u)" != 0 ]; then
  echo "netns: skipped: creating network namespaces needs root (run as root, or in CI with CAP_NET_ADMIN)"
  exit 0
fi
probe="tdmprobe$$"
if ! ip netns list >/dev/null 2>&1 || ! ip link add "${probe}a" type veth peer name "${probe}b" 2>/dev/null; then
  echo "netns: skipped: 'ip netns' or veth links are not available here (iproute2, a kernel with netns and veth)"
  exit 0
fi
ip link del "${probe}a"
for tool in curl python3; do
  command -v "$tool" >/dev/null || { echo "netns: needs $tool"; exit 2; }
done

tag="tdm$$"                   # every name this run makes starts with it
subnet="10.251.$(( $$ % 200 + 20 ))"  # a private /24 of its own
switch="${tag}sw"
work=$(mktemp -d)
declare -a spaces=()

cleanup() {
  set +e
  for ns in "${spaces[@]}"; do
    pids=$(ip netns pids "$ns" 2>/dev/null)
    [ -n "$pids" ] && kill -9 $pids 2>/dev/null
  done
  sleep 0.5
  for ns in "${spaces[@]}"; do ip netns del "$ns" 2>/dev/null; done
  if [ "${keep_logs:-}" = 1 ]; then echo "netns: logs in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

fail() { echo "netns: FAILED: $*"; keep_logs=1; exit 1; }

# A switch (a bridge in a namespace of its own) and three hosts plugged into it.
ip netns add "$switch"; spaces+=("$switch")
ip -n "$switch" link add br0 type bridge
ip -n "$switch" link set br0 up
for i in 1 2 3; do
  ns="${tag}h$i"
  ip netns add "$ns"; spaces+=("$ns")
  ip link add "${tag}e$i" type veth peer name "${tag}p$i"
  ip link set "${tag}e$i" netns "$ns"
  ip link set "${tag}p$i" netns "$switch"
  ip -n "$switch" link set "${tag}p$i" master br0 up
  ip -n "$ns" addr add "$subnet.$i/24" dev "${tag}e$i"
  ip -n "$ns" link set "${tag}e$i" up
  ip -n "$ns" link set lo up
done
echo "netns: hosts a=$subnet.1 b=$subnet.2 c=$subnet.3 on a private bridge"

on() { local i=$1; shift; ip netns exec "${tag}h$i" "$@"; }
api() { on "$1" curl -s --max-time 60 "${@:3}" "http://127.0.0.1:8551$2"; }
await_line() { # host name pattern seconds
  for _ in $(seq 1 $(( $4 * 10 ))); do
    grep -q "$3" "$work/$2.log" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "no '$3' in $2's log within $4 s: $(tail -5 "$work/$2.log")"
}
workers_seen_by_a() { api 1 /health | python3 -c 'import json,sys; print(json.load(sys.stdin)["workers"])'; }

export TANDEM_JAVA_OPTS="-Xmx256m"
# Each node's HTTP API stays on its own namespace's loopback; the cluster runs on the subnet.
on 1 "$bin" node --host "$subnet.1" --port 2551 --http-port 8551 --workers 0 > "$work/a.log" 2>&1 &
await_line 1 a "tandem node ready" 60
on 2 "$bin" node --host "$subnet.2" --port 2551 --http-port 8551 --workers 2 --seed "$subnet.1:2551" > "$work/b.log" 2>&1 &
# c listens on every address and says which one the others reach it at.
on 3 "$bin" node --host 0.0.0.0 --public-host "$subnet.3" --port 2551 --http-port 8551 --workers 2 --seed "$subnet.1:2551" > "$work/c.log" 2>&1 &
await_line 2 b "tandem node ready" 60
await_line 3 c "tandem node ready" 60
for _ in $(seq 1 300); do [ "$(workers_seen_by_a)" = 4 ] && break; sleep 0.1; done
[ "$(workers_seen_by_a)" = 4 ] || fail "host a sees $(workers_seen_by_a) workers, not 4"
echo "netns: host a (no workers of its own) sees the 4 workers of hosts b and c"
on 1 "$bin" members --node http://127.0.0.1:8551 | sed 's/^/  /'

# Eight 1.5 s jobs at once on host a: each ran on a worker of b or c.
ids=()
for _ in $(seq 1 8); do
  ids+=("$(api 1 /jobs -H 'Content-Type: application/json' -d '{"job":"spin","params":{"ms":1500}}' \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')")
done
hosts=$(for id in "${ids[@]}"; do
  api 1 "/jobs/$id?wait=true" | python3 -c 'import json,sys; j=json.load(sys.stdin); assert j["state"]=="succeeded", j; print(j["ranOn"]["address"].split("@")[1].split(":")[0])'
done | sort | uniq -c)
echo "netns: 8 jobs submitted on host a ran on: $(echo $hosts)"
echo "$hosts" | grep -q "$subnet.2" || fail "no job ran on host b"
echo "$hosts" | grep -q "$subnet.3" || fail "no job ran on host c"

# A map on host a; host c killed outright in the middle of it.
map=$(api 1 /jobs -H 'Content-Type: application/json' \
  -d "{\"job\":\"spin\",\"inputs\":[$(printf '{"ms":250},%.0s' $(seq 1 47)){\"ms\":250}],\"chunk\":1}" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
sleep 1
c_pids=$(ip netns pids "${tag}h3")
kill -9 $c_pids
echo "netns: host c killed (kill -9 of its $(echo $c_pids | wc -w) processes) while map $map ran"
result=$(api 1 "/jobs/$map?wait=true")
echo "$result" | python3 -c '
import json,sys
j=json.load(sys.stdin)
assert j["state"]=="succeeded", j
print("netns: map of %d elements on host a: %s, %d failed, in %.1f s" % (j["map"]["total"], j["state"], j["map"]["failed"], j["timings"]["totalMs"]/1000))' \
  || fail "the map did not survive host c: $result"
for _ in $(seq 1 300); do [ "$(workers_seen_by_a)" = 2 ] && break; sleep 0.1; done
[ "$(workers_seen_by_a)" = 2 ] || fail "host a still counts $(workers_seen_by_a) workers after host c died"
answer=$(on 1 "$bin" submit square x=12 --node http://127.0.0.1:8551)
[ "$answer" = 144 ] || fail "host a does not serve on: $answer"
echo "netns: host a carries on with host b's 2 workers: square x=12 -> $answer"
on 1 "$bin" members --node http://127.0.0.1:8551 | sed 's/^/  /'
echo "netns: passed"
