#!/bin/bash
# Two "hosts" on one machine for distributed tests and benchmarks: this network namespace (10.77.0.1)
# and a namespace s2s-b (10.77.0.2), joined by a veth pair, so MPI traffic between them crosses a
# network interface instead of shared memory. Needs root (ip netns, tc).
#
#   Tools/mpi/hosts.sh up [RATE]   # create; RATE (e.g. 1gbit) shapes both directions with tc tbf
#   Tools/mpi/hosts.sh down        # remove
#   Tools/mpi/hosts.sh status
set -euo pipefail
ns=s2s-b
case "${1:-}" in
up)
    "$0" down >/dev/null 2>&1 || true
    ip netns add "$ns"
    ip link add s2s-a type veth peer name s2s-b0
    ip link set s2s-b0 netns "$ns"
    ip addr add 10.77.0.1/24 dev s2s-a
    ip link set s2s-a up
    ip netns exec "$ns" ip addr add 10.77.0.2/24 dev s2s-b0
    ip netns exec "$ns" ip link set s2s-b0 up
    ip netns exec "$ns" ip link set lo up
    ip netns exec "$ns" ip route add default via 10.77.0.1
    if [ -n "${2:-}" ]; then
        tc qdisc add dev s2s-a root tbf rate "$2" burst 512kb latency 50ms
        ip netns exec "$ns" tc qdisc add dev s2s-b0 root tbf rate "$2" burst 512kb latency 50ms
    fi
    ;;
down)
    ip link del s2s-a 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    ;;
status)
    ip netns list | grep -q "^$ns" && echo "up: 10.77.0.1 (here) <-> 10.77.0.2 ($ns)" || echo down
    tc qdisc show dev s2s-a 2>/dev/null | grep tbf || true
    ;;
*)
    echo "usage: $0 up [RATE] | down | status" >&2; exit 2 ;;
esac
