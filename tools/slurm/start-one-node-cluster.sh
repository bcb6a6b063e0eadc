#!/usr/bin/env bash
# Starts a one-node Slurm cluster on this machine, as root and without systemd, from Debian's packages (munge, slurmctld,
# slurmd, slurm-client 22.05), for the test that submits the plan to a real Slurm (tests/.../Plans/SlurmClusterTests.cs)
# and for trying 'desertseg plan --format slurm' by hand. Idempotent: a cluster already up is left as it is.
#   bash tools/slurm/start-one-node-cluster.sh         # installs what is missing, starts, waits for the node to be idle
#   bash tools/slurm/start-one-node-cluster.sh stop    # ends the daemons
set -euo pipefail

log_dir=/var/log/slurm
if [[ "${1:-}" == "stop" ]]; then
  pkill -x slurmd || true; pkill -x slurmctld || true; pkill -x munged || true
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then echo "start-one-node-cluster.sh: run it as root (it installs packages and starts daemons)" >&2; exit 1; fi

if sinfo -h -o '%T' 2>/dev/null | grep -qx idle; then echo "slurm: already up ($(sinfo -h -o '%N %c CPUs %T'))"; exit 0; fi

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq munge slurmctld slurmd slurm-client >/dev/null
fi

# munge: the key the package made (or a new one), its daemon as the munge user.
if [[ ! -s /etc/munge/munge.key ]]; then
  if command -v mungekey >/dev/null; then mungekey --create --force; else dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none; fi
fi
chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key
install -d -o munge -g munge -m 0755 /run/munge /var/lib/munge /var/log/munge
pgrep -x munged >/dev/null || runuser -u munge -- /usr/sbin/munged

# slurm.conf: this host as controller and only node, processes tracked without cgroups, cores and memory as consumable
# resources with a default memory per CPU (without it one job takes all memory and the others wait), no accounting.
host=$(hostname -s)
cpus=$(nproc)
memory_mb=$(( $(awk '/MemTotal/{print $2}' /proc/meminfo) / 1024 - 1024 ))
install -d /etc/slurm /var/spool/slurmctld /var/spool/slurmd "$log_dir"
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=desertseg
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=$log_dir/slurmctld.log
SlurmdLogFile=$log_dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=2048
ReturnToService=2
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
NodeName=$host CPUs=$cpus RealMemory=$memory_mb State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

pgrep -x slurmctld >/dev/null || slurmctld
pgrep -x slurmd >/dev/null || slurmd
for _ in $(seq 60); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qx idle; then echo "slurm: up ($(sinfo -h -o '%N %c CPUs %m MB %T'))"; exit 0; fi
  sleep 1
done
echo "start-one-node-cluster.sh: the node did not become idle in 60 s; sinfo says: $(sinfo 2>&1 | tail -n +2)" >&2
tail -n 20 "$log_dir/slurmctld.log" "$log_dir/slurmd.log" >&2 || true
exit 1
