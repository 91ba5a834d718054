#!/usr/bin/env bash
# Evidence for the read-only drill's tolerance (database_fault_test.cpp, kKernelWindow): without
# SQLite or the server, append 8 KiB + fsync in a loop on a fresh ext4 loop mount, trigger an ext4
# error (errors=remount-ro: the journal is aborted), then repair as the drill does (umount -l,
# e2fsck -fy, mount again) and compare the file's size with the bytes whose fsync had returned.
# Needs root and loop devices. Usage: tests/integration/ext4_fsync_loss.sh [RUNS]
set -euo pipefail
runs="${1:-15}"
work="$(mktemp -d)"
trap 'umount -l "$work/mnt" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir "$work/mnt"
cat > "$work/append.py" <<'PY'
import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
acked = 0
try:
    while True:
        os.write(fd, b"x" * 8192)
        os.fsync(fd)
        acked += 8192
        with open(sys.argv[2], "w") as f:
            f.write(str(acked))
except OSError:
    pass
PY
lost=0
for i in $(seq 1 "$runs"); do
  rm -f "$work/img" "$work/acked"
  truncate -s 64M "$work/img"
  mkfs.ext4 -q "$work/img"
  loop=$(losetup -f --show "$work/img")
  mount -o errors=remount-ro "$loop" "$work/mnt"
  python3 "$work/append.py" "$work/mnt/f" "$work/acked" &
  writer=$!
  sleep "0.$((RANDOM % 5 + 3))"
  echo "drill" > "/sys/fs/ext4/$(basename "$loop")/trigger_fs_error"
  wait "$writer" || true
  acked=$(cat "$work/acked")
  umount -l "$work/mnt"
  e2fsck -fy "$work/img" >/dev/null 2>&1 || true
  again=$(losetup -f --show "$work/img")
  mount "$again" "$work/mnt"
  size=$(stat -c %s "$work/mnt/f")
  umount "$work/mnt"
  losetup -d "$again"
  losetup -d "$loop" 2>/dev/null || true
  echo "run $i: fsync acknowledged $acked bytes, $size on disk after the repair"
  if ((size < acked)); then lost=$((lost + 1)); fi
done
echo "runs that lost acknowledged bytes: $lost of $runs ($(uname -r))"
