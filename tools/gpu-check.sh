#!/usr/bin/env bash
# On a CUDA machine (Linux): build with the CUDA backend, run the device-consistency tests on the GPU, train a
# smoke-scale Phase 5 on it, and time the report's model (ResNet-101, 512x896) in fp32/TF32 and bf16.
# Writes report/gpu-check.md beside the report's Table 6. Usage: tools/gpu-check.sh [cuda:N]
set -uo pipefail
cd "$(dirname "$0")/.."
DEVICE="${1:-cuda}"
BACKEND="${TorchSharpBackend:-cuda-linux}"
OUT=report/gpu-check.md
LOG=report/gpu-check.log
mkdir -p report
: > "$LOG"
CLI=(dotnet run -c Release --no-build -p:TorchSharpBackend="$BACKEND" --project lib/DesertSeg.Cli --)
status() { if [ "$1" -eq 0 ]; then echo "passed"; else echo "FAILED (exit $1; see $LOG)"; fi; }

dotnet build -c Release -p:TorchSharpBackend="$BACKEND" DesertSeg.Lab.sln >>"$LOG" 2>&1; build=$?
DESERTSEG_TEST_DEVICE="$DEVICE" dotnet test -c Release --no-build -p:TorchSharpBackend="$BACKEND" tests/DesertSeg.Lab.Tests \
  --filter "FullyQualifiedName~DesertSeg.Lab.Tests.Devices" >>"$LOG" 2>&1; tests=$?
"${CLI[@]}" train --phase 5 --scale smoke --device "$DEVICE" --runs runs-gpu-check >>"$LOG" 2>&1; train=$?
"${CLI[@]}" bench --encoder resnet101 --size 512x896 --device "$DEVICE" --precision bf16 --repeats 20 > report/gpu-check-bench.txt 2>>"$LOG"; bench=$?

{
  echo "# GPU check ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "Device \`$DEVICE\`, backend \`$BACKEND\`. $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null)"
  echo
  echo "| check | result |"
  echo "|---|---|"
  echo "| build with $BACKEND | $(status $build) |"
  echo "| device-consistency tests on $DEVICE | $(status $tests) |"
  echo "| smoke Phase 5 training on $DEVICE | $(status $train) |"
  echo "| bench ResNet-101 512x896, fp32/TF32 and bf16 | $(status $bench) |"
  echo
  echo "The report's Table 6 (RTX 5050 laptop, bf16): 23.8 ms/image single scale, 136.3 ms with TTA, peak VRAM ~4.8 GB."
  echo
  echo '```'
  cat report/gpu-check-bench.txt
  echo '```'
} > "$OUT"
echo "Wrote $OUT"
[ $build -eq 0 ] && [ $tests -eq 0 ] && [ $train -eq 0 ] && [ $bench -eq 0 ]
