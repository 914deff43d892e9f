#!/bin/bash
# mpirun with one rank here (10.77.0.1) and one in namespace s2s-b (10.77.0.2), TCP over the veth pair
# only. Run Tools/mpi/hosts.sh up first. --bind-to none: each "host" sees the whole machine and would pin
# its one rank to core 0 — both ranks on one core, every step's compute twice as long.
#
#   Tools/mpi/mpirun-two-hosts.sh .build/release/s2s train-lm … --distributed --threads 1
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
exec mpirun -np 2 --host 10.77.0.1:1,10.77.0.2:1 --bind-to none \
    --mca plm_rsh_agent "$here/netns-agent" \
    --mca btl tcp,self --mca btl_tcp_if_include 10.77.0.0/24 --mca oob_tcp_if_include 10.77.0.0/24 \
    "$@"
